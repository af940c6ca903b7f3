/**
 * Throughput of the BP-compiled U-Net (batched BP as tf ops) next to the float64
 * @ghmkit/bp runBP on the same evidence, measured in the same run.
 */
import { runBP } from "@ghmkit/bp";
import {
  type Grammar,
  Rng,
  noisyEvidence,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
  sample,
} from "@ghmkit/ghm";
import { type BackendPreference, initBackend, tf } from "@ghmkit/tensor";
import { COMPILE_INPUT_CLIP, compileBPModel, compileBPUNet, evidenceToNetInput } from "@ghmkit/nets";

export interface BenchCompiledBPOptions {
  depth?: number;
  arity?: number;
  /** S for levels 1..L (and the classes). */
  vocab?: number;
  batch?: number;
  /** Timed repetitions of the compiled net (after one warm-up; default 3). */
  reps?: number;
  /** Timed repetitions of runBP (default 1: it is the slow side). */
  bpReps?: number;
  seed?: number;
  /** Backend to initialise ("auto" picks node > wasm > cpu). */
  backend?: BackendPreference;
}

export interface BenchCompiledBPResult {
  backend: string;
  depth: number;
  arity: number;
  vocab: number;
  batch: number;
  reps: number;
  bpReps: number;
  /** Compiled U-Net (float32 tf ops), sequences per second (including the read-back). */
  compiledSeqPerSec: number;
  /** @ghmkit/bp runBP (float64 JS, upward + downward + marginals), sequences per second. */
  bpSeqPerSec: number;
  /** compiled / runBP. */
  ratio: number;
  /**
   * The same rates over this process's CPU time instead of wall time: on a shared,
   * oversubscribed machine these estimate the unloaded single-core rates (both sides run
   * on one thread; GC threads make them slightly pessimistic).
   */
  compiledCpuSeqPerSec: number;
  bpCpuSeqPerSec: number;
  /** Largest |compiled - runBP| over the leaf marginals. */
  maxAbsDiff: number;
}

interface Clock {
  wall: bigint;
  cpu: NodeJS.CpuUsage;
}

function start(): Clock {
  return { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

/** Elapsed wall and CPU seconds since `c`. */
function elapsed(c: Clock): { wall: number; cpu: number } {
  const cpu = process.cpuUsage(c.cpu);
  return { wall: Number(process.hrtime.bigint() - c.wall) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

export async function benchCompiledBP(opts: BenchCompiledBPOptions = {}): Promise<BenchCompiledBPResult> {
  const depth = opts.depth ?? 10;
  const arity = opts.arity ?? 2;
  const vocab = opts.vocab ?? 16;
  const batch = opts.batch ?? 256;
  const reps = opts.reps ?? 3;
  const bpReps = opts.bpReps ?? 1;
  for (const [name, v] of [
    ["reps", reps],
    ["bpReps", bpReps],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`benchCompiledBP: ${name} must be an integer >= 1, got ${v}`);
  }
  const info = await initBackend(opts.backend);
  const g = randomProductGrammar({ depth, arity, vocab, seed: opts.seed ?? 0 });
  const rng = new Rng((opts.seed ?? 0) + 1);
  const d = arity ** depth;
  const ev = noisyEvidence(
    sample(g, batch, rng).x,
    batch,
    d,
    vocab,
    { kind: "gaussian", alpha: 1, sigma: 1 },
    rng,
  ).evidence;

  const net = compileBPUNet(g);
  try {
    const run = async (): Promise<Float32Array> => {
      const out = net.predict(ev);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    };
    const first = await run(); // warm-up: kernel set-up, memory growth
    let clock = start();
    for (let r = 0; r < reps; r++) await run();
    const compiled = elapsed(clock);

    clock = start();
    let exact: Float64Array = new Float64Array(0);
    for (let r = 0; r < bpReps; r++) exact = runBP(g, ev).marginals![depth];
    const bp = elapsed(clock);
    const compiledSeqPerSec = (batch * reps) / compiled.wall;
    const bpSeqPerSec = (batch * bpReps) / bp.wall;

    let maxAbsDiff = 0;
    for (let i = 0; i < exact.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(first[i] - exact[i]));
    return {
      backend: info.tfBackend,
      depth,
      arity,
      vocab,
      batch,
      reps,
      bpReps,
      compiledSeqPerSec,
      bpSeqPerSec,
      ratio: compiledSeqPerSec / bpSeqPerSec,
      compiledCpuSeqPerSec: (batch * reps) / compiled.cpu,
      bpCpuSeqPerSec: (batch * bpReps) / bp.cpu,
      maxAbsDiff,
    };
  } finally {
    net.dispose();
  }
}

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
   * same weights and parameters, on the same evidence against the same BP marginals.
   */
  approx: CompiledApproxCase[];
}

export interface CompiledApproxCase {
  /** Hidden units of each ReLU exp / log net. */
  approxWidth: number;
  maxAbsError: number;
  meanAbsError: number;
  seqPerSec: number;
}

export interface BenchCompiledModelsOptions {
  kinds?: CompiledKind[];
  /** Tree depth L (default 6: d = 64 leaves). */
  depth?: number;
  batch?: number;
  /** Timed repetitions of each side (after one warm-up of the model; default 3). */
  reps?: number;
  seed?: number;
  backend?: BackendPreference;
  /** ReLU-approximated versions measured beside the exact one (default [8, 32, 128]; [] for none). */
  approxWidths?: number[];
}

/**
 * compileBPModel's U-Net (exact BP in nets' own U-Net, activation "lse") for each kernel
 * kind, beside runBP in the same run: m = 2, L = 6, 64 tuples per level for every kind
 * (product S = 4; RHM S = C = 16, k = 4; dense S = 4), so the three have the same width (192)
 * and shape; gaussian evidence alpha = sigma = 1.
 */
export async function benchCompiledModels(
  opts: BenchCompiledModelsOptions = {},
): Promise<{ backend: string; cases: CompiledModelCase[] }> {
  const depth = opts.depth ?? 6;
  const batch = opts.batch ?? 256;
  const reps = opts.reps ?? 3;
  const seed = opts.seed ?? 0;
  if (!(Number.isInteger(reps) && reps >= 1))
    throw new Error(`benchCompiledModels: reps must be an integer >= 1, got ${reps}`);
  const info = await initBackend(opts.backend);
  const arity = 2;
  const make: Record<CompiledKind, () => { g: Grammar; vocab: number; grammar: string }> = {
    product: () => ({
      g: randomProductGrammar({ depth, arity, vocab: 4, seed }),
      vocab: 4,
      grammar: `product S=4 C=4 m=2 L=${depth}`,
    }),
    rules: () => ({
      g: randomRhm({ S: 16, classes: 16, k: 4, arity, depth, seed }),
      vocab: 16,
      grammar: `RHM S=16 C=16 k=4 m=2 L=${depth}`,
    }),
    dense: () => ({
      g: randomDenseGrammar({ depth, arity, vocab: 4, seed }),
      vocab: 4,
      grammar: `dense S=4 C=4 m=2 L=${depth}`,
    }),
  };
  const cases: CompiledModelCase[] = [];
  for (const kind of opts.kinds ?? (["product", "rules", "dense"] as CompiledKind[])) {
    const { g, vocab, grammar } = make[kind]();
    const rng = new Rng(seed + 1);
    const d = arity ** depth;
    const ev = noisyEvidence(
      sample(g, batch, rng).x,
      batch,
      d,
      vocab,
      { kind: "gaussian", alpha: 1, sigma: 1 },
      rng,
    ).evidence;
    const c = compileBPModel(g, "denoiser");
    try {
      const input = evidenceToNetInput(ev);
      const run = async (): Promise<Float32Array> => {
        const out = c.model.predict(input, { batchSize: batch }) as tf.Tensor;
        const data = (await out.data()) as Float32Array;
        out.dispose();
        return data;
      };
      const logits = await run(); // warm-up
      let clock = start();
      for (let r = 0; r < reps; r++) await run();
      const compiled = elapsed(clock);
      input.dispose();
      clock = start();
      for (let r = 0; r < reps; r++) runBP(g, ev);
      const bp = elapsed(clock);
      // BP on what the net sees: each leaf's evidence minus its max, clipped at -COMPILE_INPUT_CLIP.
      const clip = new Float64Array(ev.e.length);
      for (let r = 0; r < batch * d; r++) {
        let mx = -Infinity;
        for (let s = 0; s < vocab; s++) mx = Math.max(mx, ev.e[r * vocab + s]);
        for (let s = 0; s < vocab; s++)
          clip[r * vocab + s] = Number.isFinite(mx) ? Math.max(ev.e[r * vocab + s] - mx, -COMPILE_INPUT_CLIP) : 0;
      }
      const want = runBP(g, { ...ev, e: clip }).marginals![depth];
      const errors = (v: Float32Array): { max: number; mean: number } => {
        let max = 0;
        let sum = 0;
        for (let r = 0; r < batch * d; r++) {
          let mx = -Infinity;
          for (let s = 0; s < vocab; s++) mx = Math.max(mx, v[r * vocab + s]);
          let z = 0;
          for (let s = 0; s < vocab; s++) z += Math.exp(v[r * vocab + s] - mx);
          for (let s = 0; s < vocab; s++) {
            const e = Math.abs(Math.exp(v[r * vocab + s] - mx) / z - want[r * vocab + s]);
            max = Math.max(max, e);
            sum += e;
          }
        }
        return { max, mean: sum / (batch * d * vocab) };
      };
      const maxAbsError = errors(logits).max;
      const approx: CompiledApproxCase[] = [];
      for (const W of opts.approxWidths ?? [8, 32, 128]) {
        const a = compileBPModel(g, "denoiser", { approxWidth: W });
        try {
          const inp = evidenceToNetInput(ev);
          const t0 = start();
          const out = a.model.predict(inp, { batchSize: batch }) as tf.Tensor;
          const v = (await out.data()) as Float32Array;
          const t = elapsed(t0);
          tf.dispose([inp, out]);
          const e = errors(v);
          approx.push({ approxWidth: W, maxAbsError: e.max, meanAbsError: e.mean, seqPerSec: batch / t.wall });
        } finally {
          a.model.dispose();
        }
      }
      const compiledSeqPerSec = (batch * reps) / compiled.wall;
      const bpSeqPerSec = (batch * reps) / bp.wall;
      cases.push({
        kind,
        grammar,
        depth,
        arity,
        vocab,
        batch,
        width: c.config.width,
        params: c.model.countParams(),
        tuplesPerLevel: c.tuples,
        compiledSeqPerSec,
        compiledCpuSeqPerSec: (batch * reps) / compiled.cpu,
        bpSeqPerSec,
        bpCpuSeqPerSec: (batch * reps) / bp.cpu,
        ratio: compiledSeqPerSec / bpSeqPerSec,
        maxAbsError,
        approx,
      });
    } finally {
      c.model.dispose();
    }
  }
  return { backend: info.tfBackend, cases };
}
