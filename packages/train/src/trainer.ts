/**
 * The training loop: Adam on cross-entropy (classifier: the class; denoiser: each
 * leaf's clean symbol x_0, whose minimiser is the BP denoiser), evaluated against
 * the Bayes values of BP, with log-spaced checkpoints and exact resume.
 */
import * as fs from "node:fs";
import { acquireDirLock } from "./dirLock";
import { backendInfo, gemmFma, initBackend, kernelThreads, tf } from "@ghmkit/tensor";
import { writeJsonAtomic } from "@ghmkit/ghm";
import { type LoopState, isLogSpacedStep, latestCheckpoint, saveCheckpoint } from "./checkpoint";
import type { TrainConfig } from "./config";
import type { Batch } from "./data";
import { type TestMetrics, evaluate } from "./evaluate";
import { learningRate } from "./lrSchedule";
import { appendMetrics, readMetrics } from "./metricsLog";
import { type Run, type StepState, openRun, runPaths } from "./setup";
import { batchGrads } from "./graphStep";
import { validateTrainConfig } from "./validate";

/** One line of metrics.jsonl. */
export interface EvalRecord extends TestMetrics {
  step: number;
  epoch: number;
  elapsedS: number;
  lr: number;
  /** Mean training loss over the steps since the previous evaluation (null at step 0: the compiled start, before any step). */
  trainLoss: number | null;
  /**
   * Training steps per second (wall clock) over the steps since the previous evaluation in
   * this process: drawing the batch and the step itself (forward, backward, Adam); the time
   * of evaluations, checkpoints and the metrics log is excluded. null at step 0.
   */
  stepsPerSecond: number | null;
}

export interface TrainProgress {
  /** 0 only for the evaluation of the starting weights of a net.init "compiled" run (loss NaN, lr 0). */
  step: number;
  maxSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  elapsedS: number;
  /** Present on the steps that evaluated. */
  eval?: EvalRecord;
  /** The latest evaluation so far (for a progress bar's gap-to-Bayes). */
  lastEval: EvalRecord | null;
  /** Present on the steps that wrote a checkpoint: its directory. */
  checkpoint?: string;
}

export type StopReason = "max-steps" | "early-stop" | "target-gap" | "aborted" | "diverged";

export interface TrainResult {
  status: StopReason;
  /** One human sentence: why it stopped and where to go from here. */
  message: string;
  step: number;
  lastEval: EvalRecord | null;
  best: { step: number; testLoss: number } | null;
  /** grammarFingerprint of the grammar the run trained on ("sha256:<hex>"). */
  grammarFingerprint: string;
  /** The latest complete checkpoint (the last good one after a divergence), or null. */
  checkpoint: string | null;
  outDir: string;
  /** Training steps per second over all steps this process ran (as EvalRecord.stepsPerSecond; null when it ran none). */
  stepsPerSecond: number | null;
  /**
   * What the steps ran on: the TensorFlow.js backend, and on wasm the matrix products' kernel
   * threads (speed only) and fused multiply-add (speed and bits: @ghmkit/tensor's gemmFma()).
   */
  backend: { name: string; kernelThreads: number; gemmFma: boolean } | null;
}

/** TrainResult.backend: the backend initBackend chose, with the wasm products' settings. */
function ranOn(): TrainResult["backend"] {
  const info = backendInfo();
  if (info === null) return null;
  const wasm = info.name === "wasm";
  return { name: info.name, kernelThreads: wasm ? kernelThreads() : 1, gemmFma: wasm && gemmFma() };
}

export interface TrainRunOptions {
  /** Run directory (config.json, metrics.jsonl, checkpoints/, ...). */
  outDir: string;
  /** Aborting stops after the current step, writes a checkpoint and resolves with status "aborted". */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Continue from the latest checkpoint in outDir (a fresh start when it has none). */
  resume?: boolean;
}

/**
 * One optimisation step of `ghm train` on a batch at learning rate lr: the net input from
 * the batch's evidence, cross-entropy against the clean symbols (denoiser) or the class
 * (classifier), gradients (masked when r.masks is set) and the ScheduledAdam update, shared
 * over r.pool's threads when it has one. Returns the batch loss. trainRun calls it with
 * `r.stream.next()` and `learningRate(cfg, step)`.
 */
export function trainStep(r: StepState, batch: Batch, lr: number): number {
  if (r.pool) return r.pool.step(r, batch, lr);
  r.opt.setLearningRate(lr);
  return tf.tidy(() => {
    const { value, grads } = batchGrads(r.model, r.vars, r.cfg.task, batch, r.g.vocab[0], r.g.vocab[r.g.depth]);
    // The held-at-0 entries (net.init "compiled") get a gradient of exactly 0, so Adam's moments
    // and update stay 0 there.
    r.opt.applyGradients(
      r.vars.map((v, i) => ({ name: v.name, tensor: r.masks === null ? grads[i] : tf.mul(grads[i], r.masks[i]) })),
    );
    return value.dataSync()[0];
  });
}

function updateEarlyStop(st: LoopState, m: TestMetrics, es: TrainConfig["earlyStop"]): StopReason | null {
  if (st.best === null || m.testLoss < st.best - es.minDelta) {
    st.best = m.testLoss;
    st.bestStep = st.step;
    st.badEvals = 0;
  } else {
    st.badEvals++;
  }
  if (es.targetGap !== null && m.gap <= es.targetGap) return "target-gap";
  if (es.patience > 0 && st.badEvals >= es.patience) return "early-stop";
  return null;
}

/** Steps between evaluations: config.evalEvery, or one epoch (100 steps when online). */
export function evalInterval(cfg: TrainConfig): number {
  if (cfg.evalEvery > 0) return cfg.evalEvery;
  return cfg.data.trainSize > 0 ? Math.max(1, Math.floor(cfg.data.trainSize / cfg.batchSize)) : 100;
}

function weightsFinite(model: tf.LayersModel): boolean {
  return tf.tidy(() => model.trainableWeights.every((w) => tf.all(tf.isFinite(w.read())).dataSync()[0] === 1));
}

/** Train `config` in `outDir` until maxSteps, early stopping, divergence or abort. */
export async function trainRun(config: TrainConfig, options: TrainRunOptions): Promise<TrainResult> {
  validateTrainConfig(config);
  // One writer per run directory: a second trainRun on outDir (another process) is refused.
  const lock = acquireDirLock(options.outDir);
  try {
    await initBackend();
    const r = await openRun(config, options.outDir, options.resume ?? false);
    try {
      return await loop(r, options);
    } finally {
      r.dispose();
    }
  } finally {
    lock.release();
  }
}

async function loop(r: Run, options: TrainRunOptions): Promise<TrainResult> {
  const { cfg, loop: st } = r;
  const every = evalInterval(cfg);
  const paths = runPaths(r.outDir);
  const t0 = Date.now();
  const elapsed = (): number => st.elapsedS + (Date.now() - t0) / 1000;
  let lastEval: EvalRecord | null = readMetrics<EvalRecord>(paths.metrics).pop() ?? null; // a resumed run continues its log
  let lastCkpt: number | null = r.resumedFrom !== null ? st.step : null;
  // Time spent drawing batches and stepping: since the last evaluation, and in all of this process.
  let stepMs = 0;
  let stepCount = 0;
  let totalStepMs = 0;
  let totalSteps = 0;
  const rate = (n: number, ms: number): number | null => (n > 0 && ms > 0 ? (1000 * n) / ms : null);

  const checkpoint = async (): Promise<string | null> => {
    if (!weightsFinite(r.model)) return null;
    const dir = await saveCheckpoint(r.outDir, r.model, r.meta, await r.opt.saveState(), {
      ...st,
      stream: r.stream.getState(),
      elapsedS: elapsed(),
    });
    lastCkpt = st.step;
    return dir;
  };
  const finish = (status: StopReason, message: string): TrainResult => {
    const best = st.best === null ? null : { step: st.bestStep, testLoss: st.best };
    const result = {
      status,
      message,
      step: st.step,
      lastEval,
      best,
      checkpoint: latestCheckpoint(r.outDir),
      outDir: r.outDir,
      grammarFingerprint: r.fingerprint,
      stepsPerSecond: rate(totalSteps, totalStepMs),
      backend: ranOn(),
    };
    writeJsonAtomic(paths.result, result);
    return result;
  };
  const diverged = (what: string): TrainResult => {
    const good = latestCheckpoint(r.outDir);
    return finish(
      "diverged",
      `${what} at step ${st.step} (lr ${learningRate(cfg, Math.max(0, st.step - 1)).toExponential(2)}); training stopped. ` +
        (good
          ? `The last good checkpoint is ${good}; resume from it with a lower optimizer.lr.`
          : "No checkpoint was written before it; lower optimizer.lr and start again."),
    );
  };

  // A run that starts from the compiled network logs where it starts: step 0, before any update
  // (not counted by early stopping; a resumed run already has it in its log).
  if (st.step === 0 && lastEval === null && cfg.net.init === "compiled") {
    const m = await evaluate(r.model, r.g, cfg.task, r.test, cfg.evalBatchSize);
    const evalRec: EvalRecord = {
      step: 0,
      epoch: r.stream.epoch,
      elapsedS: elapsed(),
      lr: 0,
      trainLoss: null,
      stepsPerSecond: null,
      ...m,
    };
    appendMetrics(paths.metrics, evalRec);
    lastEval = evalRec;
    options.onProgress?.({
      step: 0,
      maxSteps: cfg.maxSteps,
      epoch: r.stream.epoch,
      loss: NaN,
      lr: 0,
      elapsedS: elapsed(),
      eval: evalRec,
      lastEval,
    });
  }

  while (st.step < cfg.maxSteps) {
    if (options.signal?.aborted) {
      const dir = lastCkpt === st.step ? latestCheckpoint(r.outDir) : await checkpoint();
      if (dir === null) return diverged("non-finite weights");
      return finish(
        "aborted",
        `aborted at step ${st.step}; checkpoint ${dir}. Resume with resumeRun("${r.outDir}") (CLI: the same command with --resume).`,
      );
    }
    const lr = learningRate(cfg, st.step);
    const ts = performance.now();
    const loss = trainStep(r, r.stream.next(), lr);
    const dt = performance.now() - ts;
    stepMs += dt;
    stepCount++;
    totalStepMs += dt;
    totalSteps++;
    st.step++;
    if (!Number.isFinite(loss)) return diverged(`non-finite training loss (${loss})`);
    st.lossSum += loss;
    st.lossCount++;

    let evalRec: EvalRecord | undefined;
    let stop: StopReason | null = st.step === cfg.maxSteps ? "max-steps" : null;
    if (st.step % every === 0 || st.step === cfg.maxSteps) {
      const m = await evaluate(r.model, r.g, cfg.task, r.test, cfg.evalBatchSize);
      evalRec = {
        step: st.step,
        epoch: r.stream.epoch,
        elapsedS: elapsed(),
        lr,
        trainLoss: st.lossSum / st.lossCount,
        stepsPerSecond: rate(stepCount, stepMs),
        ...m,
      };
      stepMs = 0;
      stepCount = 0;
      st.lossSum = 0;
      st.lossCount = 0;
      appendMetrics(paths.metrics, evalRec);
      lastEval = evalRec;
      stop = updateEarlyStop(st, m, cfg.earlyStop) ?? stop;
    }
    let ckpt: string | undefined;
    if (isLogSpacedStep(st.step) || stop !== null) {
      const dir = await checkpoint();
      if (dir === null) return diverged("non-finite weights");
      ckpt = dir;
    }
    options.onProgress?.({
      step: st.step,
      maxSteps: cfg.maxSteps,
      epoch: r.stream.epoch,
      loss,
      lr,
      elapsedS: elapsed(),
      eval: evalRec,
      lastEval,
      checkpoint: ckpt,
    });
    if (stop === "early-stop")
      return finish(
        stop,
        `early stop at step ${st.step}: no test-loss improvement in ${cfg.earlyStop.patience} evaluations (best ${st.best} at step ${st.bestStep})`,
      );
    if (stop === "target-gap")
      return finish(
        stop,
        `reached the target gap to Bayes (${lastEval!.gap} <= ${cfg.earlyStop.targetGap}) at step ${st.step}`,
      );
  }
  return finish("max-steps", `finished ${cfg.maxSteps} steps`);
}

/** Continue the run in outDir from its latest checkpoint with its saved config (optionally a new maxSteps or threads). */
export async function resumeRun(
  outDir: string,
  options: Omit<TrainRunOptions, "outDir" | "resume"> & { maxSteps?: number; threads?: number | "auto" } = {},
): Promise<TrainResult> {
  const file = runPaths(outDir).config;
  if (!fs.existsSync(file))
    throw new Error(`cannot resume: ${file} does not exist; is ${outDir} a training run directory?`);
  const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as TrainConfig;
  if (options.maxSteps !== undefined) cfg.maxSteps = options.maxSteps;
  if (options.threads !== undefined) cfg.threads = options.threads;
  const { maxSteps: _m, threads: _t, ...rest } = options;
  void _m;
  void _t;
  return trainRun(cfg, { ...rest, outDir, resume: true });
}
