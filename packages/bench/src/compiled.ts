/**
 * Throughput of the BP-compiled U-Net (batched BP as tf ops) next to the float64
 * @ghmkit/bp runBP on the same evidence, measured in the same run.
 */
import { runBP } from "@ghmkit/bp";
import { InputError, randomProductGrammar, sampleNoisy } from "@ghmkit/ghm";
import { type BackendPreference, initBackend } from "@ghmkit/tensor";
import { compileBPUNet } from "@ghmkit/nets";
import { elapsed, start } from "./clock";

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
    if (!(Number.isInteger(v) && v >= 1))
      throw new InputError(`benchCompiledBP options.${name}`, `is ${v}`, "use an integer >= 1");
  }
  const info = await initBackend(opts.backend);
  const g = randomProductGrammar({ depth, arity, vocab, seed: opts.seed ?? 0 });
  const seed = opts.seed ?? 0;
  const d = arity ** depth;
  const noise = { kind: "gaussian", alpha: 1, sigma: 1 } as const;
  const ev = sampleNoisy(g, batch, noise, { data: seed + 1, noise: seed + 2 }).evidence;

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
