/**
 * compileBPModel's networks (BP in nets' own U-Net and ConvNet, the model directories
 * `ghm compile` writes) for each kernel kind, beside the float64 runBP on the same
 * evidence in the same run: throughput and parameters of the exact U-Net (activation
 * "lse") and ConvNet, the ReLU-approximated U-Net (activation "lse-relu", exp and log as
 * ReLU nets of W hidden units) at each W, and its error against BP as W and the depth L vary.
 */
import { runBP } from "@ghmkit/bp";
import {
  type Evidence,
  type Grammar,
  InputError,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
  sampleNoisy,
} from "@ghmkit/ghm";
import { type BackendPreference, initBackend, type tf } from "@ghmkit/tensor";
import { type CompiledBPModel, clippedEvidence, compileBPModel, evidenceToNetInput } from "@ghmkit/nets";
import { elapsed, start } from "./clock";

export type CompiledKind = "product" | "rules" | "dense";

export interface CompiledModelCase {
  kind: CompiledKind;
  /** The grammar benchmarked, in words. */
  grammar: string;
  depth: number;
  arity: number;
  /** S of levels 1..L (and the classes). */
  vocab: number;
  batch: number;
  /** compileBPModel's U-Net: its width, parameters and tuples per level. */
  width: number;
  params: number;
  tuplesPerLevel: number[];
  /** The compiled U-Net (a tf.LayersModel, float32), sequences per second, wall and CPU. */
  compiledSeqPerSec: number;
  compiledCpuSeqPerSec: number;
  /** @ghmkit/bp runBP (float64, up + down + marginals) on the same evidence, same run. */
  bpSeqPerSec: number;
  bpCpuSeqPerSec: number;
  /** compiled / runBP (wall). */
  ratio: number;
  /** Largest |softmax(logits) - BP leaf marginal|, BP on the evidence the net sees (clipped at -20 per leaf). */
  maxAbsError: number;
  /**
   * The same U-Net with exp and log as ReLU nets (`approxWidth` W, activation "lse-relu"),
   * same weights and parameters, on the same evidence against the same BP marginals, timed
   * like the exact one.
   */
  approx: CompiledApproxCase[];
  /** The classifier: compileBPModel's ConvNet (BP's upward pass) beside runBP without the downward pass. */
  convnet: CompiledConvNetCase;
  /**
   * Error against BP as the depth varies (`approxDepths` and `depth`, ascending): the exact
   * U-Net's and each W's, on fresh evidence of the same batch at that depth.
   */
  byDepth: CompiledDepthRow[];
}

export interface CompiledApproxCase {
  /** Hidden units of each ReLU exp / log net. */
  approxWidth: number;
  maxAbsError: number;
  meanAbsError: number;
  seqPerSec: number;
  cpuSeqPerSec: number;
  /** approximated / runBP (wall). */
  ratio: number;
}

export interface CompiledConvNetCase {
  width: number;
  params: number;
  seqPerSec: number;
  cpuSeqPerSec: number;
  /** runBP with `downward: false` (the root posterior only), same evidence. */
  bpSeqPerSec: number;
  bpCpuSeqPerSec: number;
  ratio: number;
  /** Largest |softmax(logits) - BP root posterior|. */
  maxAbsError: number;
}

export interface CompiledDepthRow {
  depth: number;
  width: number;
  params: number;
  exactMaxAbsError: number;
  approx: { approxWidth: number; maxAbsError: number; meanAbsError: number }[];
}

export interface BenchCompiledModelsOptions {
  kinds?: CompiledKind[];
  /** Tree depth L of the throughput cases (default 6: d = 64 leaves). */
  depth?: number;
  /** Further depths at which the approximation error is measured (default [2, 4]). */
  approxDepths?: number[];
  batch?: number;
  /** Timed repetitions of each side (after one warm-up of the model; default 3). */
  reps?: number;
  seed?: number;
  backend?: BackendPreference;
  /** ReLU-approximated versions measured beside the exact one (default [8, 32, 128]; [] for none). */
  approxWidths?: number[];
}

const ARITY = 2;

/**
 * The grammars: m = 2, 64 tuples per level for every kind (product S = 4; RHM S = C = 16,
 * k = 4; dense S = 4), so the three U-Nets have the same width (192) and shape.
 */
function grammarOf(kind: CompiledKind, depth: number, seed: number): { g: Grammar; vocab: number; grammar: string } {
  if (kind === "product")
    return {
      g: randomProductGrammar({ depth, arity: ARITY, vocab: 4, seed }),
      vocab: 4,
      grammar: `product S=4 C=4 m=2 L=${depth}`,
    };
  if (kind === "rules")
    return {
      g: randomRhm({ S: 16, classes: 16, k: 4, arity: ARITY, depth, seed }),
      vocab: 16,
      grammar: `RHM S=16 C=16 k=4 m=2 L=${depth}`,
    };
  return {
    g: randomDenseGrammar({ depth, arity: ARITY, vocab: 4, seed }),
    vocab: 4,
    grammar: `dense S=4 C=4 m=2 L=${depth}`,
  };
}

/** Gaussian evidence (alpha = sigma = 1) on `batch` sequences of g. */
function evidenceOf(g: Grammar, batch: number, seed: number): Evidence {
  return sampleNoisy(g, batch, { kind: "gaussian", alpha: 1, sigma: 1 }, { data: seed + 1, noise: seed + 2 }).evidence;
}

/** One warm-up forward pass (its logits returned), then `reps` timed ones. */
async function timeModel(
  c: CompiledBPModel,
  ev: Evidence,
  reps: number,
): Promise<{ logits: Float32Array; wall: number; cpu: number }> {
  const input = evidenceToNetInput(ev);
  try {
    const run = async (): Promise<Float32Array> => {
      const out = c.model.predict(input, { batchSize: ev.batch }) as tf.Tensor;
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    };
    const logits = await run();
    const clock = start();
    for (let r = 0; r < reps; r++) await run();
    return { logits, ...elapsed(clock) };
  } finally {
    input.dispose();
  }
}

/** Max and mean |softmax(logits row) - want row| over rows of K. */
function softmaxErrors(v: Float32Array, want: Float64Array, K: number): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let r = 0; r < want.length / K; r++) {
    let mx = -Infinity;
    for (let s = 0; s < K; s++) mx = Math.max(mx, v[r * K + s]);
    let z = 0;
    for (let s = 0; s < K; s++) z += Math.exp(v[r * K + s] - mx);
    for (let s = 0; s < K; s++) {
      const e = Math.abs(Math.exp(v[r * K + s] - mx) / z - want[r * K + s]);
      max = Math.max(max, e);
      sum += e;
    }
  }
  return { max, mean: sum / want.length };
}

async function withModel<T>(c: CompiledBPModel, fn: (c: CompiledBPModel) => Promise<T>): Promise<T> {
  try {
    return await fn(c);
  } finally {
    c.model.dispose();
  }
}

/** The exact U-Net's and each W's error against BP at one depth (one forward pass each). */
async function depthRow(kind: CompiledKind, depth: number, batch: number, seed: number, widths: number[]) {
  const { g, vocab } = grammarOf(kind, depth, seed);
  const ev = evidenceOf(g, batch, seed);
  const want = runBP(g, clippedEvidence(ev)).marginals![depth];
  const exact = await withModel(compileBPModel(g, "denoiser"), async (c) => ({
    width: c.config.width,
    params: c.model.countParams(),
    err: softmaxErrors((await timeModel(c, ev, 0)).logits, want, vocab).max,
  }));
  const approx = [];
  for (const W of widths) {
    const e = await withModel(compileBPModel(g, "denoiser", { approxWidth: W }), async (c) =>
      softmaxErrors((await timeModel(c, ev, 0)).logits, want, vocab),
    );
    approx.push({ approxWidth: W, maxAbsError: e.max, meanAbsError: e.mean });
  }
  return { depth, width: exact.width, params: exact.params, exactMaxAbsError: exact.err, approx };
}

export async function benchCompiledModels(
  opts: BenchCompiledModelsOptions = {},
): Promise<{ backend: string; cases: CompiledModelCase[] }> {
  const depth = opts.depth ?? 6;
  const batch = opts.batch ?? 256;
  const reps = opts.reps ?? 3;
  const seed = opts.seed ?? 0;
  const widths = opts.approxWidths ?? [8, 32, 128];
  const depths = [...new Set(opts.approxDepths ?? [2, 4])].filter((l) => l !== depth);
  if (!(Number.isInteger(reps) && reps >= 1))
    throw new InputError("benchCompiledModels options.reps", `is ${reps}`, "use an integer >= 1");
  for (const l of [depth, ...depths])
    if (!(Number.isInteger(l) && l >= 1 && l <= 10))
      throw new InputError("benchCompiledModels options.depths", `has ${l}`, "use integers in 1..10");
  const info = await initBackend(opts.backend);
  const cases: CompiledModelCase[] = [];
  for (const kind of opts.kinds ?? (["product", "rules", "dense"] as CompiledKind[])) {
    const { g, vocab, grammar } = grammarOf(kind, depth, seed);
    const ev = evidenceOf(g, batch, seed);
    const n = batch * reps;
    let clock = start();
    for (let r = 0; r < reps; r++) runBP(g, ev);
    const bp = elapsed(clock);
    clock = start();
    for (let r = 0; r < reps; r++) runBP(g, ev, { downward: false });
    const bpUp = elapsed(clock);
    // BP on what the nets see: each leaf's evidence minus its max, clipped at -20.
    const exact = runBP(g, clippedEvidence(ev));
    const want = exact.marginals![depth];

    const unet = await withModel(compileBPModel(g, "denoiser"), async (c) => ({
      c: { width: c.config.width, params: c.model.countParams(), tuples: c.tuples },
      t: await timeModel(c, ev, reps),
    }));
    const approx: CompiledApproxCase[] = [];
    for (const W of widths) {
      const t = await withModel(compileBPModel(g, "denoiser", { approxWidth: W }), (c) => timeModel(c, ev, reps));
      const e = softmaxErrors(t.logits, want, vocab);
      approx.push({
        approxWidth: W,
        maxAbsError: e.max,
        meanAbsError: e.mean,
        seqPerSec: n / t.wall,
        cpuSeqPerSec: n / t.cpu,
        ratio: n / t.wall / (n / bp.wall),
      });
    }
    const convnet = await withModel(compileBPModel(g, "classifier"), async (c) => {
      const t = await timeModel(c, ev, reps);
      return {
        width: c.config.width,
        params: c.model.countParams(),
        seqPerSec: n / t.wall,
        cpuSeqPerSec: n / t.cpu,
        bpSeqPerSec: n / bpUp.wall,
        bpCpuSeqPerSec: n / bpUp.cpu,
        ratio: bpUp.wall / t.wall,
        maxAbsError: softmaxErrors(t.logits, exact.root, g.vocab[0]).max,
      };
    });
    const byDepth: CompiledDepthRow[] = [];
    for (const l of depths) byDepth.push(await depthRow(kind, l, batch, seed, widths));
    const maxAbsError = softmaxErrors(unet.t.logits, want, vocab).max;
    byDepth.push({
      depth,
      width: unet.c.width,
      params: unet.c.params,
      exactMaxAbsError: maxAbsError,
      approx: approx.map(({ approxWidth, maxAbsError, meanAbsError }) => ({ approxWidth, maxAbsError, meanAbsError })),
    });
    byDepth.sort((a, b) => a.depth - b.depth);
    cases.push({
      kind,
      grammar,
      depth,
      arity: ARITY,
      vocab,
      batch,
      width: unet.c.width,
      params: unet.c.params,
      tuplesPerLevel: unet.c.tuples,
      compiledSeqPerSec: n / unet.t.wall,
      compiledCpuSeqPerSec: n / unet.t.cpu,
      bpSeqPerSec: n / bp.wall,
      bpCpuSeqPerSec: n / bp.cpu,
      ratio: bp.wall / unet.t.wall,
      maxAbsError,
      approx,
      convnet,
      byDepth,
    });
  }
  return { backend: info.tfBackend, cases };
}
