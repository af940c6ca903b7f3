// Training-speed benchmark: steps/s of the small U-Net of bench_model.ts on the active
// backend, with ghmkit's custom wasm kernels and with stock wasm, against the PyTorch-CPU
// reference measured for the same model (41.5 steps/s).
import { backendInfo, BackendInfo, initBackend, tf } from "./backend";
import { benchBatch, BenchUNetConfig, buildBenchUNet, levelsOf, makeTrainStep } from "./bench_model";
import { adam } from "./adam";
import { setCustomWasmKernels } from "./kernels/register";

/** PyTorch-CPU steps/s on the default configuration (batch 64, d=64, S=8, 64 filters). */
export const PYTORCH_CPU_STEPS_PER_SEC = 41.5;

export interface BenchOptions extends Partial<BenchUNetConfig> {
  /** Timed steps per variant (default 20). */
  steps?: number;
  /** Untimed steps first (default 3; the first builds Adam's slots). */
  warmup?: number;
  /** Also time stock wasm kernels (default true; wasm only): see BenchResult.minimal. */
  compareStock?: boolean;
}

export type BenchRun =
  | {
      ok: true;
      /** Wall-clock steps per second (what a user waits for). */
      stepsPerSec: number;
      msPerStep: number;
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
  config: BenchUNetConfig & { steps: number; warmup: number };
  referenceStepsPerSec: number;
  /** Kernels as initBackend registered them (custom ones on wasm), with `adam()`. */
  active: BenchRun;
  /**
   * Stock wasm plus only the kernel it lacks for training (Conv2DBackpropFilter), with
   * tf.train.adam: what the other custom kernels and the fused Adam buy. Absent unless the backend is wasm and compareStock is on.
   */
  minimal?: BenchRun;
  /** Stock wasm kernels only (fails: no Conv2DBackpropFilter). Same condition. */
  stock?: BenchRun;
}

export const DEFAULT_BENCH: BenchUNetConfig = { batch: 64, d: 64, S: 8, m: 2, filters: 64, seed: 0 };

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: must be a positive integer, got ${v}`);
  return v;
}

export async function benchTrainStep(options: BenchOptions = {}): Promise<BenchResult> {
  const { steps: s, warmup: w, compareStock, ...rest } = options;
  const config: BenchUNetConfig = { ...DEFAULT_BENCH, ...rest };
  for (const key of ["batch", "d", "S", "filters"] as const) positiveInt(key, config[key]);
  levelsOf(config.d, config.m);
  const steps = positiveInt("steps", s ?? 20);
  const warmup = w ?? 3;
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error(`warmup: must be an integer >= 1, got ${warmup}`);

  const backend = backendInfo() ?? (await initBackend());
  const active = timeTraining(config, steps, warmup, () => adam(1e-3));
  const result: BenchResult = {
    backend,
    config: { ...config, steps, warmup },
    referenceStepsPerSec: PYTORCH_CPU_STEPS_PER_SEC,
    active,
  };
  if (backend.name === "wasm" && (compareStock ?? true)) {
    const before = setCustomWasmKernels(backend.customKernels);
    try {
      setCustomWasmKernels([tf.Conv2DBackpropFilter]);
      result.minimal = timeTraining(config, steps, warmup, () => tf.train.adam(1e-3));
      setCustomWasmKernels([]);
      result.stock = timeTraining(config, steps, warmup, () => tf.train.adam(1e-3));
    } finally {
      setCustomWasmKernels(before);
    }
  }
  return result;
}

function timeTraining(
  config: BenchUNetConfig,
  steps: number,
  warmup: number,
  makeOptimizer: () => tf.Optimizer,
): BenchRun {
  const model = buildBenchUNet(config);
  const optimizer = makeOptimizer();
  const { x, y } = benchBatch(config);
  try {
    const step = makeTrainStep(model, optimizer);
    for (let i = 0; i < warmup; i++) step(x, y);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let loss = NaN;
    for (let i = 0; i < steps; i++) loss = step(x, y);
    const msPerStep = (performance.now() - t0) / steps;
    const cpu = process.cpuUsage(c0);
    const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / steps;
    const stepsPerSec = 1000 / msPerStep;
    return {
      ok: true,
      stepsPerSec,
      msPerStep,
      cpuMsPerStep,
      ratioToPytorch: stepsPerSec / PYTORCH_CPU_STEPS_PER_SEC,
      finalLoss: loss,
    };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}
