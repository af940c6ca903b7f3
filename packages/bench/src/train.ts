/**
 * Training-speed benchmark of `ghm train` itself: nets' U-Net trained by train's own step
 * (`openTrainingState` + `trainStep`: the online batch stream that samples and noises each
 * batch, the net input, the cross-entropy to the clean leaves, ScheduledAdam), steps/s on
 * the active backend, against the same network's step in PyTorch-CPU measured in the same run
 * where a python3 imports torch (train_pytorch.ts), the rate issue 14 recorded for this shape,
 * and the step's matrix products in numpy (train_gemm_floor.ts). On wasm it
 * also times stock kernels plus Conv2DBackpropFilter (the one a conv2d U-Net lacks) and
 * stock kernels alone, to show what ghmkit's custom kernels buy on this network.
 */
import { availableParallelism } from "node:os";
import {
  backendInfo,
  type BackendInfo,
  gemmFma,
  initBackend,
  kernelThreads,
  setCustomWasmKernels,
  setGemmFma,
  setHeapSimd,
  setKernelThreads,
  tf,
} from "@ghmkit/tensor";
import {
  learningRate,
  makeTrainConfig,
  openTrainingState,
  resolveThreads,
  setGraphStep,
  trainStep,
} from "@ghmkit/train";
import type { TrainConfig } from "@ghmkit/train";
import { type GemmFloor, gemmFloor, type StepProduct, stepProducts } from "./train_gemm_floor";
import { type ModelGraph, modelGraph, type PytorchSetting, PytorchStep } from "./train_pytorch";

/**
 * PyTorch-CPU steps/s for batch 64, d = 64, S = 8, 64 filters, Adam, recorded once (a
 * U-Net of that shape; issue 14 measured PyTorch at 40.6-46.4 on nets' exact U-Net with
 * its 188,680 parameters, with another PyTorch build on another day): shown beside the
 * same-run PyTorch reference (`pytorch`), which is the one to read.
 */
export const PYTORCH_CPU_STEPS_PER_SEC = 41.5;

/**
 * PyTorch-CPU steps/s of the same network at `ghm train`'s default shape (RHM d = 8, S = 8,
 * width 64, batch 64), as issue 14 recorded it (another build, another day; see above).
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

/** Steps per side in one round of the PyTorch comparison, at most (see compareWithPytorch). */
export const PYTORCH_ROUND_STEPS = 25;

/** Timed steps, at most, of the slow comparisons (JS loops, stock kernels). */
export const SLOW_STEPS = 20;

export interface BenchOptions extends Partial<BenchTrainConfig> {
  /**
   * Timed steps per variant (default 60: the variants alternate in four blocks, and the VM's
   * speed swings by a third from one second to the next). The slow comparisons (JS loops,
   * stock kernels, at 1-7 steps/s) time at most SLOW_STEPS of them.
   */
  steps?: number;
  /**
   * Untimed steps first (default 15): the first builds Adam's slots, and V8 moves the wasm
   * kernels and tfjs's JS to its optimising tiers over the first steps (3 warm-up steps
   * timed the d = 64 step 10-40% slower than it runs for the rest of a training run).
   */
  warmup?: number;
  /** Also time stock wasm kernels (default true; wasm only): see BenchResult.minimal. */
  compareStock?: boolean;
  /**
   * Also time TrainConfig.threads = this (default every core, so that the comparison is
   * there even where "auto" would stay on one thread), interleaved with one thread: see
   * BenchResult.threads.
   */
  threads?: number | "auto";
  /** Also time the step's matrix products in numpy (the same-run GEMM floor; default true). */
  gemmFloor?: boolean;
  /** Also time the same network's step in PyTorch where a python3 imports torch (default true). */
  pytorch?: boolean;
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
      /**
       * Of msPerStep: BatchStream.next() on this thread, as in `ghm train`: taking a batch the
       * prefetch worker drew (train's default with 2+ cores), or drawing it here.
       */
      dataMsPerStep: number;
      /**
       * Process CPU time per step, every thread (kernel threads, the prefetch worker) included:
       * above msPerStep when they work alongside this thread.
       */
      cpuMsPerStep: number;
      ratioToPytorch: number;
      finalLoss: number;
    }
  | { ok: false; error: string };

export interface BenchResult {
  backend: BackendInfo;
  config: BenchTrainConfig & {
    steps: number;
    warmup: number;
    params: number;
    arch: "unet";
    task: "denoiser";
    /** Threads of the wasm matrix products in `active` (tensor's kernelThreads()). */
    kernelThreads: number;
    /** Whether `active`'s matrix products fuse their multiply-adds (tensor's gemmFma()). */
    gemmFma: boolean;
  };
  /** The TrainConfig of the timed runs (as `ghm train denoiser` would save it in config.json). */
  trainConfig: TrainConfig;
  referenceStepsPerSec: number;
  /** Kernels as initBackend registered them (custom ones on wasm), on config.kernelThreads threads. */
  active: BenchRun;
  /**
   * The same with the matrix products on this thread alone (setKernelThreads(1)), stepped
   * alternately with `active` in one run: what the kernel threads buy. Absent when active
   * uses one kernel thread already.
   */
  oneKernelThread?: BenchRun;
  /**
   * The same with fused multiply-add off (setGemmFma(false): the plain kernels, XNNPACK's
   * bits), stepped alternately with `active`: what fusing buys. Absent when active does not fuse.
   */
  plainMultiplyAdd?: BenchRun;
  /**
   * The same step through tfjs's gradient tape (train's setGraphStep(false)), stepped
   * alternately with `active`: what the step without the tape buys (the same bits).
   */
  tape?: BenchRun;
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
  /**
   * The same-run reference: one step's matrix products in numpy (train_gemm_floor.ts), timed
   * just before and just after the runs stepped alternately with `active`; `stepsPerSec` is the mean of
   * the two (null when numpy cannot run here). No framework's step is faster on this machine
   * at that moment; PyTorch-CPU's adds its per-op overhead to the same products.
   */
  gemmFloor?: { before: GemmFloor; after: GemmFloor; stepsPerSec: number | null };
  /** The same network's step in PyTorch-CPU, in turns with ghm train's defaults (see PytorchRun). */
  pytorch?: PytorchRun;
}

/**
 * The same-run PyTorch-CPU reference (train_pytorch.ts): a fresh run of `ghm train`'s step
 * (its defaults, as `active`) and the same network's step in PyTorch, `steps` timed steps
 * each in rounds of at most PYTORCH_ROUND_STEPS steps (and at least four rounds) taken in
 * turns, PyTorch's blocks stepping each of its thread settings.
 */
export type PytorchRun =
  | {
      ok: true;
      /** ghmkit's steps/s over its blocks (wall clock, batch taking included). */
      stepsPerSec: number;
      /** The fastest PyTorch setting's steps/s over its blocks: what a PyTorch user gets here. */
      pytorchStepsPerSec: number;
      /** stepsPerSec / pytorchStepsPerSec. */
      ratio: number;
      /** The same ratio in each round (ghm's block against the fastest setting's block after it): median and range. */
      rounds: { count: number; median: number; min: number; max: number };
      settings: (PytorchSetting & { stepsPerSec: number })[];
      torch: string;
      python: string;
      /** PyTorch's last loss (on its random batches; a finite number shows it trained). */
      pytorchFinalLoss: number;
    }
  | { ok: false; error: string };

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
  const steps = positiveInt("steps", s ?? 60);
  const slowSteps = Math.min(steps, SLOW_STEPS);
  const warmup = w ?? 15;
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error(`warmup: must be an integer >= 1, got ${warmup}`);
  const trainConfig = benchTrainConfig(config);

  const backend = backendInfo() ?? (await initBackend());
  const wantFloor = options.gemmFloor ?? true;
  const wantTorch = options.pytorch ?? true;
  // Building the network to read its products and graph is start-up work: only for a reference asked for.
  const refs = wantFloor || wantTorch ? referencesOf(trainConfig) : null;
  const products = wantFloor && refs ? refs.products : null;
  const before = products && gemmFloor(products);
  const kt = kernelThreads();
  const fma = gemmFma();
  const setting =
    (threads: number, fused: boolean, graph = true) =>
    (): void => {
      setKernelThreads(threads);
      setGemmFma(fused);
      setGraphStep(graph);
    };
  // Stepped alternately with `active`: what the kernel threads, fusing and the step without the tape buy.
  const variants: ["active" | "oneKernelThread" | "plainMultiplyAdd" | "tape", () => void][] = [
    ["active", setting(kt, fma)],
  ];
  if (kt > 1) variants.push(["oneKernelThread", setting(1, fma)]);
  if (fma) variants.push(["plainMultiplyAdd", setting(kt, false)]);
  variants.push(["tape", setting(kt, fma, false)]);
  const runs = timeAlternately(
    trainConfig,
    variants.map(([, set]) => set),
    steps,
    warmup,
  );
  setting(kt, fma)();
  const { run: active, params } = runs[0];
  const result: BenchResult = {
    backend,
    config: { ...config, steps, warmup, params, arch: "unet", task: "denoiser", kernelThreads: kt, gemmFma: fma },
    trainConfig,
    referenceStepsPerSec: PYTORCH_CPU_STEPS_PER_SEC,
    active,
  };
  variants.forEach(([name], i) => {
    if (name !== "active") result[name] = runs[i].run;
  });
  if (products && before) {
    const after = gemmFloor(products);
    const ok = [before, after].flatMap((f) => (f.ok ? [f.stepsPerSec] : []));
    result.gemmFloor = { before, after, stepsPerSec: meanOf(ok) };
  }
  if (wantTorch && refs) result.pytorch = await compareWithPytorch(trainConfig, refs.graph, steps, warmup);
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
      result.jsLoops = timeTraining(trainConfig, slowSteps, warmup).run;
    } finally {
      setHeapSimd(simd);
    }
    const before = setCustomWasmKernels(backend.customKernels);
    try {
      setCustomWasmKernels([tf.Conv2DBackpropFilter]);
      result.minimal = timeTraining(trainConfig, slowSteps, warmup).run;
      setCustomWasmKernels([]);
      result.stock = timeTraining(trainConfig, slowSteps, warmup).run;
    } finally {
      setCustomWasmKernels(before);
    }
  }
  return result;
}

function meanOf(a: number[]): number | null {
  return a.length ? a.reduce((x, y) => x + y) / a.length : null;
}

/** The median (the mean of the middle two for an even count). */
function medianOf(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * What the same-run references need of the benchmarked network (built without a prefetch
 * worker): one step's matrix products, and its graph for PyTorch (or why it has none).
 */
function referencesOf(cfg: TrainConfig): { products: StepProduct[]; graph: ModelGraph | string } {
  const st = openTrainingState({ ...cfg, prefetch: false });
  try {
    return { products: stepProducts(st.model, cfg.batchSize), graph: modelGraph(st.model) };
  } finally {
    st.dispose();
  }
}

/** See PytorchRun. */
async function compareWithPytorch(
  cfg: TrainConfig,
  graph: ModelGraph | string,
  steps: number,
  warmup: number,
): Promise<PytorchRun> {
  if (typeof graph === "string") return { ok: false, error: graph };
  let torch: PytorchStep | null = null;
  const st = openTrainingState(cfg);
  try {
    const options = { batch: cfg.batchSize, warmup, cores: availableParallelism(), lr: cfg.optimizer.lr };
    torch = await PytorchStep.start(graph, options);
    let i = 0;
    const step = (): void => void trainStep(st, st.stream.next(), learningRate(cfg, i++));
    for (let k = 0; k < warmup; k++) step();
    // Rounds of at most PYTORCH_ROUND_STEPS steps each side: the VM's speed swings within
    // seconds, so short rounds pair each of ghm's blocks with PyTorch's under the same swing.
    const block = Math.max(1, Math.min(PYTORCH_ROUND_STEPS, Math.floor(steps / 4)));
    const rounds: { ms: number; theirs: number[]; n: number }[] = [];
    let loss = NaN;
    for (let done = 0; done < steps; done += block) {
      const n = Math.min(block, steps - done);
      const t = performance.now();
      for (let k = 0; k < n; k++) step();
      const ms = performance.now() - t;
      const r = await torch.block(n);
      rounds.push({ ms, theirs: r.ms, n });
      loss = r.loss;
    }
    const total = (f: (r: (typeof rounds)[number]) => number): number => rounds.reduce((a, r) => a + f(r), 0);
    const settings = torch.settings.map((s, k) => ({ ...s, stepsPerSec: (1000 * steps) / total((r) => r.theirs[k]) }));
    const stepsPerSec = (1000 * steps) / total((r) => r.ms);
    const best = settings.reduce((b, s, k) => (s.stepsPerSec > settings[b].stepsPerSec ? k : b), 0);
    const pytorchStepsPerSec = settings[best].stepsPerSec;
    const pairs = rounds.map((r) => r.theirs[best] / r.ms).sort((a, b) => a - b);
    return {
      ok: true,
      stepsPerSec,
      pytorchStepsPerSec,
      ratio: stepsPerSec / pytorchStepsPerSec,
      rounds: {
        count: rounds.length,
        median: medianOf(pairs),
        min: pairs[0],
        max: pairs[pairs.length - 1],
      },
      settings,
      torch: torch.torch,
      python: torch.python,
      pytorchFinalLoss: loss,
    };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    st.dispose();
    torch?.close();
  }
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
    alternate(runs, steps, warmup, (r, timed) => {
      const ms = step(r);
      if (timed) r.ms.push(ms);
    });
    const [a, b] = runs.map((r) => 1000 / medianOf(r.ms));
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

/**
 * `warmup` untimed steps of each run, then `steps` timed ones, the runs taking turns in four
 * blocks (so a load that comes and goes on a shared machine falls on all of them; blocks
 * rather than single steps, as a worker woken for every other step would time its wake-up).
 */
function alternate<R>(runs: R[], steps: number, warmup: number, step: (r: R, timed: boolean) => void): void {
  for (const r of runs) for (let k = 0; k < warmup; k++) step(r, false);
  const block = runs.length > 1 ? Math.max(1, Math.floor(steps / 4)) : steps;
  for (let done = 0; done < steps; done += block)
    for (const r of runs) for (let k = done; k < Math.min(steps, done + block); k++) step(r, true);
}

/**
 * warmup + steps steps of `ghm train`'s loop body (stream.next(), trainStep at the schedule's
 * lr) on a fresh run per setting, the settings taking turns in blocks of steps (so a load that
 * comes and goes on a shared machine falls on all of them); `settings[i]()` is called before
 * each of its steps.
 */
function timeAlternately(
  cfg: TrainConfig,
  settings: (() => void)[],
  steps: number,
  warmup: number,
): { run: BenchRun; params: number }[] {
  const runs = settings.map((set) => ({
    set,
    st: null as ReturnType<typeof openTrainingState> | null,
    i: 0,
    ms: 0,
    dataMs: 0,
    cpuUs: 0,
    loss: NaN,
    error: null as string | null,
  }));
  let params = 0;
  const step = (r: (typeof runs)[number], timed: boolean): void => {
    if (r.error !== null || r.st === null) return;
    try {
      r.set();
      const st = r.st;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const batch = st.stream.next();
      const t1 = performance.now();
      r.loss = trainStep(st, batch, learningRate(cfg, r.i++));
      if (!timed) return;
      const cpu = process.cpuUsage(c0);
      r.ms += performance.now() - t0;
      r.dataMs += t1 - t0;
      r.cpuUs += cpu.user + cpu.system;
    } catch (err) {
      r.error = err instanceof Error ? err.message : String(err);
    }
  };
  try {
    for (const r of runs) {
      try {
        r.set();
        r.st = openTrainingState(cfg);
        params = r.st.model.countParams();
      } catch (err) {
        r.error = err instanceof Error ? err.message : String(err);
      }
    }
    alternate(runs, steps, warmup, step);
  } finally {
    for (const r of runs) r.st?.dispose();
  }
  return runs.map((r) => {
    if (r.error !== null) return { params, run: { ok: false, error: r.error } };
    const msPerStep = r.ms / steps;
    return {
      params,
      run: {
        ok: true,
        stepsPerSec: 1000 / msPerStep,
        msPerStep,
        dataMsPerStep: r.dataMs / steps,
        cpuMsPerStep: r.cpuUs / 1000 / steps,
        ratioToPytorch: 1000 / msPerStep / PYTORCH_CPU_STEPS_PER_SEC,
        finalLoss: r.loss,
      },
    };
  });
}

/** warmup + steps steps of `ghm train`'s loop body on a fresh run (see timeAlternately). */
function timeTraining(cfg: TrainConfig, steps: number, warmup: number): { run: BenchRun; params: number } {
  return timeAlternately(cfg, [() => {}], steps, warmup)[0];
}
