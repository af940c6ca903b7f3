/**
 * One training run of packages/train for an experiment job: the experiment's
 * settings become a TrainConfig, the run lives in <dir>/runs/<job id>/ (resumed if a
 * previous attempt was interrupted), and its final test evaluation is returned.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type Arch,
  type DiffusionSpec,
  type EvalRecord,
  makeTrainConfig,
  type NoiseSpec,
  type Task,
  type TrainConfig,
  trainRun,
  type TrainResult,
  runPaths,
} from "@ghmkit/train";
import { asUserInput, ExperimentError } from "./errors";
import { type RhmShape, rhmSpec, type Seeds, type TrainSettings } from "./schemas";
import type { JobContext } from "./types";

export interface TrainJobOptions {
  task: Task;
  arch: Arch;
  grammar: RhmShape;
  seeds: Seeds;
  train: TrainSettings;
  /** P, the number of fixed training samples. */
  P: number;
  noise?: NoiseSpec;
  evalAbar?: number[];
  /**
   * Denoisers for diffusion: the sampler they are trained for (packages/train's
   * `config.diffusion`). Without `noise`, the training noise is derived from it: abar at
   * the sampler's timesteps, each equally often.
   */
  diffusion?: DiffusionSpec;
}

export function trainConfigFor(o: TrainJobOptions): TrainConfig {
  const t = o.train;
  return asUserInput(`training config (${o.arch} ${o.task}, P = ${o.P})`, () =>
    makeTrainConfig(o.task, o.arch, {
      grammar: rhmSpec(o.grammar, o.seeds.grammar),
      seeds: { data: o.seeds.data, init: o.seeds.init, noise: o.seeds.noise },
      data: { trainSize: o.P, testSize: t.testSize },
      noise: o.noise ?? (o.diffusion ? undefined : { kind: "exact" }),
      diffusion: o.diffusion,
      evalAbar: o.evalAbar ?? [],
      net: { width: t.width, activation: "relu", extraConvs: t.extraConvs },
      optimizer: { lr: t.lr, schedule: "cosine", warmupSteps: Math.min(50, Math.floor(t.steps / 10)), minLrFrac: 0.05 },
      batchSize: Math.min(t.batchSize, o.P),
      maxSteps: t.steps,
      // One evaluation, at the end: the figures show the trained network, not a curve.
      evalEvery: t.steps,
      evalBatchSize: 1024,
    }),
  );
}

export interface TrainJobResult {
  config: TrainConfig;
  result: TrainResult;
  eval: EvalRecord;
  outDir: string;
}

export async function trainJob(o: TrainJobOptions, id: string, ctx: JobContext): Promise<TrainJobResult> {
  const config = trainConfigFor(o);
  const outDir = path.join(ctx.dir, "runs", id);
  const resultFile = runPaths(outDir).result;
  // A run that finished before its job file was written: reuse it.
  if (fs.existsSync(resultFile)) {
    const done = JSON.parse(fs.readFileSync(resultFile, "utf8")) as TrainResult;
    if (done.status === "max-steps" && done.lastEval !== null && done.step === config.maxSteps)
      return { config, result: done, eval: done.lastEval, outDir };
  }
  const result = await trainRun(config, {
    outDir,
    resume: true,
    signal: ctx.signal,
    onProgress: (p) => ctx.onProgress?.({ done: p.step, total: p.maxSteps, note: `loss ${p.loss.toPrecision(3)}` }),
  });
  if (result.status === "aborted")
    throw new ExperimentError(`interrupted during ${id}; run the same command again to resume (${result.message})`);
  if (result.lastEval === null)
    throw new Error(`training ${id} ended (${result.status}) without an evaluation: ${result.message}`);
  if (result.status === "diverged")
    throw new ExperimentError(`training ${id} diverged: ${result.message} (lower train.lr)`);
  return { config, result, eval: result.lastEval, outDir };
}
