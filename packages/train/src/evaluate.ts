/**
 * One evaluation of a network on the test data, next to the Bayes values from BP:
 * on the population test set (fresh draws: the population risk) and on the unseen
 * test set (sequences that are not training sequences; see heldOut.ts), with the
 * overlap between the population set and the training set.
 */
import { InputError } from "@ghmkit/ghm";
import type { Grammar } from "@ghmkit/ghm";
import { evidenceToNetInput } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { bayesLeafPosterior, bayesPosterior } from "./bayes";
import type { Task } from "./config";
import type { LabeledSet, TestData } from "./data";
import { type HeldOutData, onlineNote } from "./heldOut";
import { classifierMetrics, denoiserMetrics, softmaxRows } from "./metrics";

/** The measures at one fixed signal level abar (denoiser). */
export interface LevelMetrics {
  abar: number;
  mse: number;
  bayesMse: number;
  ratio: number;
  crossEntropy: number;
  bayesCrossEntropy: number;
}

/** Network and Bayes values on one test set. */
export interface SetMetrics {
  /** Classifier: Bayes accuracy - accuracy; denoiser: MSE / Bayes MSE - 1. */
  gap: number;
  crossEntropy: number;
  bayesCrossEntropy: number;
  accuracy?: number;
  bayesAccuracy?: number;
  mse?: number;
  bayesMse?: number;
  /** Denoiser: MSE / Bayes MSE. */
  ratio?: number;
  /** Denoiser: the same measures at each fixed signal level of config.evalAbar. */
  levels?: LevelMetrics[];
}

/** Metrics of the population test set (fresh draws from the grammar). */
export interface PopulationMetrics extends SetMetrics {
  /** Early-stopping monitor: cross-entropy (classifier) or MSE (denoiser), lower is better. */
  testLoss: number;
}

/** The unseen test set's metrics: n rows, none of them a training sequence. */
export interface UnseenMetrics extends SetMetrics {
  n: number;
}

/** How the population set relates to the training set, and the unseen set's metrics. */
export interface HeldOutMetrics {
  /** Fraction (0..1) of population test rows whose clean sequence x is a training sequence (online: drawn for training so far). */
  overlap: number;
  /** Rows of the unseen set (online: population rows not drawn for training yet). */
  unseenCount: number;
  /** Rows asked for (data.testSize). */
  unseenRequested: number;
  /** Null when no unseen sequence was found. */
  unseen: UnseenMetrics | null;
  /** Present when the unseen set is smaller than asked for, or is the online subset: says why. */
  unseenNote?: string;
}

/** Test metrics of one evaluation (the fields of a metrics log line besides step, time and lr). */
export type TestMetrics = PopulationMetrics & HeldOutMetrics;

/** Bayes values of one set, computed once per run. */
export type BayesValues = { accuracy?: number; mse?: number; crossEntropy: number };

/** A test set held on the device as net input, with its Bayes values and BP's probabilities. */
export interface PreparedSet {
  set: LabeledSet;
  input: tf.Tensor3D;
  bayes: BayesValues;
  /** BP's class posterior `[n, C]` (classifier) or leaf marginals `[n, d, S]` (denoiser). */
  bayesProb: Float64Array;
}

export interface PreparedSets {
  main: PreparedSet;
  levels: { abar: number; prepared: PreparedSet }[];
}

/** What evaluate() needs about the training set. */
export type PreparedHeldOut =
  | { kind: "fixed"; inTrain: Uint8Array; requested: number; unseen: PreparedSets | null; note?: string }
  | { kind: "online"; inTrain: Uint8Array; requested: number };

export interface PreparedTest extends PreparedSets {
  /** Absent when the training set is unknown: then only evaluatePopulation() applies. */
  heldOut?: PreparedHeldOut;
}

function prepareSet(g: Grammar, task: Task, set: LabeledSet): PreparedSet {
  const bayesProb = task === "classifier" ? bayesPosterior(g, set) : bayesLeafPosterior(g, set);
  const m = setMetrics(task, bayesProb, set, g.vocab[0]);
  return {
    set,
    input: evidenceToNetInput(set.evidence),
    bayes: task === "classifier" ? m : { mse: m.mse, crossEntropy: m.crossEntropy },
    bayesProb,
  };
}

function prepareSets(g: Grammar, task: Task, test: TestData): PreparedSets {
  return {
    main: prepareSet(g, task, test.main),
    levels: test.levels.map((l) => ({ abar: l.abar, prepared: prepareSet(g, task, l.set) })),
  };
}

/** Net inputs and Bayes values (exact BP) of the test data, once per run; with `heldOut`, of the unseen set too. */
export function prepareTest(g: Grammar, task: Task, test: TestData, heldOut?: HeldOutData): PreparedTest {
  const out: PreparedTest = prepareSets(g, task, test);
  if (heldOut?.kind === "fixed") {
    out.heldOut = {
      kind: "fixed",
      inTrain: heldOut.inTrain,
      requested: heldOut.requested,
      unseen: heldOut.unseen ? prepareSets(g, task, heldOut.unseen) : null,
      ...(heldOut.note ? { note: heldOut.note } : {}),
    };
  } else if (heldOut?.kind === "online") {
    out.heldOut = { kind: "online", inTrain: heldOut.watcher.inTrain, requested: heldOut.requested };
  }
  return out;
}

function disposeSets(t: PreparedSets): void {
  t.main.input.dispose();
  t.levels.forEach((l) => l.prepared.input.dispose());
}

export function disposeTest(t: PreparedTest): void {
  disposeSets(t);
  if (t.heldOut?.kind === "fixed" && t.heldOut.unseen) disposeSets(t.heldOut.unseen);
}

/** The network's logits for every row of a prepared set, computed evalBatchSize rows at a time. */
export async function predictLogits(
  model: tf.LayersModel,
  input: tf.Tensor3D,
  evalBatchSize: number,
): Promise<Float32Array> {
  const n = input.shape[0];
  const parts: Float32Array[] = [];
  for (let s = 0; s < n; s += evalBatchSize) {
    const size = Math.min(evalBatchSize, n - s);
    const out = tf.tidy(() => model.predict(input.slice([s, 0, 0], [size, -1, -1])) as tf.Tensor);
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

/** Accuracy / MSE and cross-entropy of probabilities for a set's rows (all rows, or those listed in `rows`). */
function setMetrics(
  task: Task,
  prob: Float64Array,
  set: LabeledSet,
  C: number,
  rows?: Int32Array,
): { accuracy?: number; mse?: number; crossEntropy: number } {
  const K = task === "classifier" ? C : set.d * set.S;
  let p = prob;
  let y = set.y;
  let x = set.x;
  let n = set.n;
  if (rows) {
    n = rows.length;
    p = new Float64Array(n * K);
    y = new Int32Array(n);
    x = new Int32Array(n * set.d);
    rows.forEach((r, i) => {
      p.set(prob.subarray(r * K, (r + 1) * K), i * K);
      y[i] = set.y[r];
      x.set(set.x.subarray(r * set.d, (r + 1) * set.d), i * set.d);
    });
  }
  if (task === "classifier") return classifierMetrics(p, y, C);
  const m = denoiserMetrics(p, x, n, set.d, set.S);
  return { mse: m.mse, crossEntropy: m.crossEntropy };
}

/** The network's probabilities on a prepared set (classes `[n, C]` or leaves `[n, d, S]`). */
async function netProb(
  model: tf.LayersModel,
  task: Task,
  p: PreparedSet,
  C: number,
  evalBatchSize: number,
): Promise<Float64Array> {
  const logits = await predictLogits(model, p.input, evalBatchSize);
  return task === "classifier" ? softmaxRows(logits, p.set.n, C) : softmaxRows(logits, p.set.n * p.set.d, p.set.S);
}

type NetBayes = { net: { accuracy?: number; mse?: number; crossEntropy: number }; bayes: BayesValues };

function assemble(task: Task, main: NetBayes, levels: { abar: number; v: NetBayes }[]): SetMetrics {
  const { net, bayes: b } = main;
  if (task === "classifier") {
    return {
      gap: b.accuracy! - net.accuracy!,
      accuracy: net.accuracy,
      bayesAccuracy: b.accuracy,
      crossEntropy: net.crossEntropy,
      bayesCrossEntropy: b.crossEntropy,
    };
  }
  const ratio = net.mse! / b.mse!;
  return {
    gap: ratio - 1,
    mse: net.mse,
    bayesMse: b.mse,
    ratio,
    crossEntropy: net.crossEntropy,
    bayesCrossEntropy: b.crossEntropy,
    levels: levels.map(({ abar, v }) => ({
      abar,
      mse: v.net.mse!,
      bayesMse: v.bayes.mse!,
      ratio: v.net.mse! / v.bayes.mse!,
      crossEntropy: v.net.crossEntropy,
      bayesCrossEntropy: v.bayes.crossEntropy,
    })),
  };
}

/** Network probabilities of a set and its fixed levels (levels only for denoisers). */
async function predictSets(
  model: tf.LayersModel,
  task: Task,
  t: PreparedSets,
  C: number,
  evalBatchSize: number,
): Promise<{ main: Float64Array; levels: Float64Array[] }> {
  const main = await netProb(model, task, t.main, C, evalBatchSize);
  const levels: Float64Array[] = [];
  if (task === "denoiser")
    for (const l of t.levels) levels.push(await netProb(model, task, l.prepared, C, evalBatchSize));
  return { main, levels };
}

/** Metrics of prepared sets from the network's probabilities, over all rows or a subset. */
function scoreSets(
  task: Task,
  t: PreparedSets,
  prob: { main: Float64Array; levels: Float64Array[] },
  C: number,
  rows?: Int32Array,
): SetMetrics {
  const sub = (p: PreparedSet, net: Float64Array): NetBayes => ({
    net: setMetrics(task, net, p.set, C, rows),
    bayes: rows ? setMetrics(task, p.bayesProb, p.set, C, rows) : p.bayes,
  });
  return assemble(
    task,
    sub(t.main, prob.main),
    task === "denoiser" ? t.levels.map((l, j) => ({ abar: l.abar, v: sub(l.prepared, prob.levels[j]) })) : [],
  );
}

function population(task: Task, m: SetMetrics): PopulationMetrics {
  return { testLoss: task === "classifier" ? m.crossEntropy : m.mse!, ...m };
}

/** Population metrics only (for a model whose training set is unknown). */
export async function evaluatePopulation(
  model: tf.LayersModel,
  g: Grammar,
  task: Task,
  test: PreparedSets,
  evalBatchSize: number,
): Promise<PopulationMetrics> {
  const C = g.vocab[0];
  return population(task, scoreSets(task, test, await predictSets(model, task, test, C, evalBatchSize), C));
}

/** Population and unseen metrics, next to the Bayes values; needs `test.heldOut` (prepareTest with a training set). */
export async function evaluate(
  model: tf.LayersModel,
  g: Grammar,
  task: Task,
  test: PreparedTest,
  evalBatchSize: number,
): Promise<TestMetrics> {
  const h = test.heldOut;
  if (!h)
    throw new InputError(
      "test",
      "evaluate: the test data has no training set to compare with (prepareTest(g, task, test, heldOut))",
      "use evaluatePopulation",
    );
  const C = g.vocab[0];
  const prob = await predictSets(model, task, test, C, evalBatchSize);
  const pop = population(task, scoreSets(task, test, prob, C));
  const n = test.main.set.n;
  let inTrain = 0;
  for (let r = 0; r < n; r++) inTrain += h.inTrain[r];
  const overlap = inTrain / n;
  if (h.kind === "fixed") {
    const u = h.unseen;
    const unseen = u
      ? { n: u.main.set.n, ...scoreSets(task, u, await predictSets(model, task, u, C, evalBatchSize), C) }
      : null;
    return {
      ...pop,
      overlap,
      unseenCount: u ? u.main.set.n : 0,
      unseenRequested: h.requested,
      unseen,
      ...(h.note ? { unseenNote: h.note } : {}),
    };
  }
  // Online: the population rows not drawn for training yet, scored from the same predictions.
  const rows = Int32Array.from({ length: n - inTrain }, () => 0);
  for (let r = 0, i = 0; r < n; r++) if (!h.inTrain[r]) rows[i++] = r;
  const unseen = rows.length > 0 ? { n: rows.length, ...scoreSets(task, test, prob, C, rows) } : null;
  return {
    ...pop,
    overlap,
    unseenCount: rows.length,
    unseenRequested: h.requested,
    unseen,
    unseenNote: onlineNote(rows.length, n),
  };
}
