/**
 * One evaluation of a network on the test data, next to the Bayes values from BP.
 */
import type { Grammar } from "@ghmkit/ghm";
import { evidenceToNetInput } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { bayesClassifier, bayesDenoiser } from "./bayes";
import type { Task } from "./config";
import type { LabeledSet, TestData } from "./data";
import { classifierMetrics, denoiserMetrics, softmaxRows } from "./metrics";

/** Test metrics of one evaluation (the fields of a metrics log line besides step, time and lr). */
export interface TestMetrics {
  /** Early-stopping monitor: cross-entropy (classifier) or MSE (denoiser), lower is better. */
  testLoss: number;
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
  levels?: { abar: number; mse: number; bayesMse: number; ratio: number; crossEntropy: number; bayesCrossEntropy: number }[];
}

/** Bayes values of one set, computed once per run. */
export type BayesValues = { accuracy?: number; mse?: number; crossEntropy: number };

/** A test set held on the device as net input, with its Bayes values. */
export interface PreparedSet {
  set: LabeledSet;
  input: tf.Tensor3D;
  bayes: BayesValues;
}

export interface PreparedTest {
  main: PreparedSet;
  levels: { abar: number; prepared: PreparedSet }[];
}

export function prepareTest(g: Grammar, task: Task, test: TestData): PreparedTest {
  const prep = (set: LabeledSet): PreparedSet => ({
    set,
    input: evidenceToNetInput(set.evidence),
    bayes: task === "classifier" ? bayesClassifier(g, set) : (({ mse, crossEntropy }) => ({ mse, crossEntropy }))(bayesDenoiser(g, set)),
  });
  return { main: prep(test.main), levels: test.levels.map((l) => ({ abar: l.abar, prepared: prep(l.set) })) };
}

export function disposeTest(t: PreparedTest): void {
  t.main.input.dispose();
  t.levels.forEach((l) => l.prepared.input.dispose());
}

/** The network's logits for every row of a prepared set, computed evalBatchSize rows at a time. */
export async function predictLogits(model: tf.LayersModel, input: tf.Tensor3D, evalBatchSize: number): Promise<Float32Array> {
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

async function scoreSet(model: tf.LayersModel, task: Task, p: PreparedSet, C: number, evalBatchSize: number) {
  const { set } = p;
  const logits = await predictLogits(model, p.input, evalBatchSize);
  if (task === "classifier") return classifierMetrics(softmaxRows(logits, set.n, C), set.y, C);
  const m = denoiserMetrics(softmaxRows(logits, set.n * set.d, set.S), set.x, set.n, set.d, set.S);
  return { mse: m.mse, crossEntropy: m.crossEntropy };
}

export async function evaluate(model: tf.LayersModel, g: Grammar, task: Task, test: PreparedTest, evalBatchSize: number): Promise<TestMetrics> {
  const C = g.vocab[0];
  const main = await scoreSet(model, task, test.main, C, evalBatchSize);
  const b = test.main.bayes;
  if (task === "classifier") {
    const { accuracy, crossEntropy } = main as { accuracy: number; crossEntropy: number };
    return { testLoss: crossEntropy, gap: b.accuracy! - accuracy, accuracy, bayesAccuracy: b.accuracy, crossEntropy, bayesCrossEntropy: b.crossEntropy };
  }
  const { mse, crossEntropy } = main as { mse: number; crossEntropy: number };
  const levels = [];
  for (const l of test.levels) {
    const r = (await scoreSet(model, task, l.prepared, C, evalBatchSize)) as { mse: number; crossEntropy: number };
    const lb = l.prepared.bayes;
    levels.push({ abar: l.abar, mse: r.mse, bayesMse: lb.mse!, ratio: r.mse / lb.mse!, crossEntropy: r.crossEntropy, bayesCrossEntropy: lb.crossEntropy });
  }
  const ratio = mse / b.mse!;
  return { testLoss: mse, gap: ratio - 1, mse, bayesMse: b.mse, ratio, crossEntropy, bayesCrossEntropy: b.crossEntropy, levels };
}
