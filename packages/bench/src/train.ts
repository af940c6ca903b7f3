/**
 * Training-speed benchmark of `ghm train` itself: nets' U-Net trained by train's own step
 * (`openTrainingState` + `trainStep`: the online batch stream that samples and noises each
 * batch, the net input, the cross-entropy to the clean leaves, ScheduledAdam), steps/s on
 * the active backend, against the PyTorch-CPU reference recorded for this shape. On wasm it
 * also times stock kernels plus Conv2DBackpropFilter (the one a conv2d U-Net lacks) and
 * stock kernels alone, to show what ghmkit's custom kernels buy on this network.
 */
import { availableParallelism } from "node:os";
import { backendInfo, type BackendInfo, initBackend, setCustomWasmKernels, setHeapSimd, tf } from "@ghmkit/tensor";
import { learningRate, makeTrainConfig, openTrainingState, resolveThreads, trainStep } from "@ghmkit/train";
import type { TrainConfig } from "@ghmkit/train";

/**
 * PyTorch-CPU steps/s for batch 64, d = 64, S = 8, 64 filters, Adam, recorded once (a
 * U-Net of that shape; issue 14 measured PyTorch at 40.6-46.4 on nets' exact U-Net with
 * its 188,680 parameters on this machine).
 */
export const PYTORCH_CPU_STEPS_PER_SEC = 41.5;

/**
 * PyTorch-CPU steps/s of the same network at `ghm train`'s default shape (RHM d = 8, S = 8,
 * width 64, batch 64), as issue 14 recorded it on this machine (not run here: no PyTorch).
 */
export const PYTORCH_CPU_DEFAULT_SHAPE_STEPS_PER_SEC: readonly [number, number] = [120.8, 137.7];

/** `ghm train`'s default shape (config.ts: RHM S = C = 8, k = 2, m = 2, L = 3, seed 1; width 64; batch 64). */
export const DEFAULT_SHAPE_BENCH: BenchTrainConfig = { batch: 64, d: 8, S: 8, m: 2, filters: 64, seed: 1 };

/** The benchmarked shape: a denoiser U-Net on a random RHM with d = m^L leaves. */
export interface BenchTrainConfig {
  batch: number;
  /** Leaves, m^L. */
  d: number;
  /** Vocabulary S of every level (and the classes). */
  S: number;
  /** Arity m. */
  m: number;
  /** net.width W of nets' U-Net. */
  filters: number;
  /** Seed of the grammar (the run's seeds are `ghm train`'s defaults). */
  seed: number;
}

export interface BenchOptions extends Partial<BenchTrainConfig> {
  /** Timed steps per variant (default 20). */
  steps?: number;
  /** Untimed steps first (default 3; the first builds Adam's slots). */
  warmup?: number;
  /** Also time stock wasm kernels (default true; wasm only): see BenchResult.minimal. */
  compareStock?: boolean;
  /**
   * Also time TrainConfig.threads = this (default every core, so that the comparison is
   * there even where "auto" would stay on one thread), interleaved with one thread: see
   * BenchResult.threads.
   */
  threads?: number | "auto";
}

/** The data-parallel step (TrainConfig.threads) against one thread, stepped alternately in one run. */
export type ThreadsRun =
  | {
      ok: true;
      threads: number;
      /** Median over the timed steps, wall clock, batch drawing included. */
      stepsPerSec: number;
      /** One thread's median, from steps interleaved with the pooled ones. */
      oneThreadStepsPerSec: number;
      /** stepsPerSec / oneThreadStepsPerSec. */
      ratio: number;
      ratioToPytorch: number;
      finalLoss: number;
    }
  | { ok: false; threads: number; error: string };

export type BenchRun =
  | {
      ok: true;
      /** Wall-clock steps per second (what a user waits for), batch drawing included. */
      stepsPerSec: number;
      msPerStep: number;
      /** Of msPerStep: drawing the batch (sampling, noise, evidence), as BatchStream.next() in `ghm train`. */
      dataMsPerStep: number;
      /**
       * Process CPU time per step. wasm runs on one thread, so on a machine shared with
       * other jobs this stays close to the unloaded wall time while msPerStep grows.
       */
      cpuMsPerStep: number;
      ratioToPytorch: number;
      finalLoss: number;
    }
  | { ok: false; error: string };

export interface BenchResult {
  backend: BackendInfo;
  config: BenchTrainConfig & { steps: number; warmup: number; params: number; arch: "unet"; task: "denoiser" };
  /** The TrainConfig of the timed runs (as `ghm train denoiser` would save it in config.json). */
  trainConfig: TrainConfig;
  referenceStepsPerSec: number;
  /** Kernels as initBackend registered them (custom ones on wasm). */
  active: BenchRun;
  /**
   * Stock wasm plus only the kernel it lacks for training (Conv2DBackpropFilter): what the
   * other custom kernels buy. Absent unless the backend is wasm and compareStock is on.
   */
  minimal?: BenchRun;
  /**
   * Stock wasm kernels only. Same condition. nets' U-Net trains on them (its layers need no
   * Conv2DBackpropFilter); an architecture that does need it gets `{ok: false, error}`.
   */
  stock?: BenchRun;
  /**
   * The custom kernels with tensor's heap SIMD loops off (`setHeapSimd(false)`: JS loops for
   * Sum, GhmAdamUpdate, Transpose, row copies and Equal; XNNPACK for the matrix products):
   * what the SIMD loops buy. Same condition as `minimal`.
   */
  jsLoops?: BenchRun;
  /** The step on options.threads threads beside one thread; absent when that resolves to 1 here. */
  threads?: ThreadsRun;
}

export const DEFAULT_BENCH: BenchTrainConfig = { batch: 64, d: 64, S: 8, m: 2, filters: 64, seed: 0 };

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: must be a positive integer, got ${v}`);
  return v;
}

/** L with m^L = d. */
export function levelsOf(d: number, m: number): number {
  let L = 0;
  for (let n = 1; n < d; n *= m) L++;
  if (m < 2 || m ** L !== d) throw new Error(`d: ${d} leaves is not a power of m=${m}`);
  return L;
}

/** `ghm train denoiser --arch unet`'s config (online data, gaussian noise, Adam) at the benchmarked shape. */
export function benchTrainConfig(c: BenchTrainConfig): TrainConfig {
  return makeTrainConfig("denoiser", "unet", {
    grammar: { kind: "rhm", S: c.S, classes: c.S, k: 2, arity: c.m, depth: levelsOf(c.d, c.m), seed: c.seed },
    net: { width: c.filters },
    batchSize: c.batch,
  } as Parameters<typeof makeTrainConfig>[2]);
}

export async function benchTrainStep(options: BenchOptions = {}): Promise<BenchResult> {
  const { steps: s, warmup: w, compareStock, threads, ...rest } = options;
  const config: BenchTrainConfig = { ...DEFAULT_BENCH, ...rest };
  for (const key of ["batch", "d", "S", "filters"] as const) positiveInt(key, config[key]);
  levelsOf(config.d, config.m);
  const steps = positiveInt("steps", s ?? 20);
  const warmup = w ?? 3;
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error(`warmup: must be an integer >= 1, got ${warmup}`);
  const trainConfig = benchTrainConfig(config);

  const backend = backendInfo() ?? (await initBackend());
  const { run: active, params } = timeTraining(trainConfig, steps, warmup);
  const result: BenchResult = {
    backend,
    config: { ...config, steps, warmup, params, arch: "unet", task: "denoiser" },
    trainConfig,
    referenceStepsPerSec: PYTORCH_CPU_STEPS_PER_SEC,
    active,
  };
  const n = resolveThreads(
    threads ?? availableParallelism(),
    backend.name,
    config.batch,
    config.d * config.filters ** 2 * config.batch,
  );
  if (n > 1) result.threads = compareThreads(trainConfig, n, steps, warmup);
  if (backend.name === "wasm" && (compareStock ?? true)) {
    const simd = setHeapSimd(false);
    try {
      result.jsLoops = timeTraining(trainConfig, steps, warmup).run;
    } finally {
      setHeapSimd(simd);
    }
    const before = setCustomWasmKernels(backend.customKernels);
    try {
      setCustomWasmKernels([tf.Conv2DBackpropFilter]);
      result.minimal = timeTraining(trainConfig, steps, warmup).run;
      setCustomWasmKernels([]);
      result.stock = timeTraining(trainConfig, steps, warmup).run;
    } finally {
      setCustomWasmKernels(before);
    }
  }
  return result;
}

/**
 * `steps` steps on `threads` threads and on one from two fresh runs, alternating in four
 * blocks (so a load that comes and goes on a shared machine falls on both), medians.
 */
function compareThreads(cfg: TrainConfig, threads: number, steps: number, warmup: number): ThreadsRun {
  const one = openTrainingState(cfg);
  let many: ReturnType<typeof openTrainingState> | null = null;
  try {
    many = openTrainingState({ ...cfg, threads });
    if (!many.pool) return { ok: false, threads, error: "the worker threads could not start" };
    const runs = [one, many].map((st) => ({ st, i: 0, ms: [] as number[], loss: NaN }));
    const step = (r: (typeof runs)[number]): number => {
      const t = performance.now();
      r.loss = trainStep(r.st, r.st.stream.next(), learningRate(cfg, r.i++));
      return performance.now() - t;
    };
    for (const r of runs) for (let k = 0; k < warmup; k++) step(r);
    // Blocks of a few steps: a worker woken for every other step alone would time its wake-up too.
    const block = Math.max(1, Math.floor(steps / 4));
    for (let done = 0; done < steps; done += block)
      for (const r of runs) for (let k = done; k < Math.min(steps, done + block); k++) r.ms.push(step(r));
    const median = (a: number[]): number => {
      const s = [...a].sort((x, y) => x - y);
      return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const [a, b] = runs.map((r) => 1000 / median(r.ms));
    return {
      ok: true,
      threads,
      stepsPerSec: b,
      oneThreadStepsPerSec: a,
      ratio: b / a,
      ratioToPytorch: b / PYTORCH_CPU_STEPS_PER_SEC,
      finalLoss: runs[1].loss,
    };
  } catch (err) {
    return { ok: false, threads, error: err instanceof Error ? err.message : String(err) };
  } finally {
    one.dispose();
    many?.dispose();
  }
}

/** warmup + steps steps of `ghm train`'s loop body (stream.next(), trainStep at the schedule's lr) on a fresh run. */
function timeTraining(cfg: TrainConfig, steps: number, warmup: number): { run: BenchRun; params: number } {
  let st: ReturnType<typeof openTrainingState> | null = null;
  let params = 0;
  try {
    st = openTrainingState(cfg);
    params = st.model.countParams();
    let i = 0;
    for (; i < warmup; i++) trainStep(st, st.stream.next(), learningRate(cfg, i));
    let dataMs = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let loss = NaN;
    for (let j = 0; j < steps; j++, i++) {
      const td = performance.now();
      const batch = st.stream.next();
      dataMs += performance.now() - td;
      loss = trainStep(st, batch, learningRate(cfg, i));
    }
    const msPerStep = (performance.now() - t0) / steps;
    const cpu = process.cpuUsage(c0);
    const stepsPerSec = 1000 / msPerStep;
    return {
      params,
      run: {
        ok: true,
        stepsPerSec,
        msPerStep,
        dataMsPerStep: dataMs / steps,
        cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
        ratioToPytorch: stepsPerSec / PYTORCH_CPU_STEPS_PER_SEC,
        finalLoss: loss,
      },
    };
  } catch (err) {
    return { params, run: { ok: false, error: err instanceof Error ? err.message : String(err) } };
  } finally {
    st?.dispose();
  }
}
