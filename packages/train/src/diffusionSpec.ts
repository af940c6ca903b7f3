/**
 * The diffusion sampler a denoiser is trained for (`config.diffusion`), and the
 * training noise derived from it. A reverse sampler with T' steps calls the denoiser
 * once at each of its timesteps t_k = round(k T / T'), k = T'..1, i.e. at
 * abar(t_k) of its schedule; training rows drawn uniformly over those timesteps see
 * exactly the levels the sampler evaluates, as often as it evaluates them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DDPMScheduler, makeSchedule } from "@ghmkit/diffusion";
import { META_JSON, readModelMeta } from "@ghmkit/nets";
import type { DiffusionSpec, GaussianNoise } from "./config";

/** `ghm diffuse`'s defaults: VP, linear schedule, 200 DDPM steps. */
export const DEFAULT_DIFFUSION: DiffusionSpec = { process: "vp", schedule: "linear", steps: 200, sampler: "ddpm" };

/** T of the schedule a `steps`-step sampler runs on (as `ghm diffuse` and `generate`). */
export const scheduleT = (steps: number): number => Math.max(1000, steps);

/**
 * abar at the timesteps the reverse sampler evaluates the denoiser at, in sampling
 * order (noisiest first): the diffusion package's own scheduler decides them.
 */
export function samplerLevels(schedule: "linear" | "cosine", steps: number): Float64Array {
  const sch = makeSchedule({ kind: schedule, T: scheduleT(steps) });
  const sampler = new DDPMScheduler(sch); // ddpm and ddim space their timesteps the same way
  sampler.setTimesteps(steps);
  return Float64Array.from(sampler.timesteps, (t) => sch.abar(t));
}

/** The training noise of a diffusion spec: every level its sampler visits, each equally often. */
export function diffusionNoise(spec: DiffusionSpec): GaussianNoise {
  const levels = samplerLevels(spec.schedule, spec.steps);
  return {
    kind: "gaussian",
    abarMin: Math.min(...levels),
    abarMax: Math.max(...levels),
    sampling: "schedule",
    schedule: spec.schedule,
    steps: spec.steps,
  };
}

/** One line: "vp, cosine schedule (T = 1000), 100 ddpm steps". */
export function describeDiffusion(spec: DiffusionSpec): string {
  return `${spec.process}, ${spec.schedule} schedule (T = ${scheduleT(spec.steps)}), ${spec.steps} ${spec.sampler} steps`;
}

/**
 * The diffusion spec saved with a training run (its config.json) or a model directory
 * (ghm-model.json's extra.diffusion); null when it has none (a run from before the
 * option, or one trained without it).
 */
export function readDiffusionSpec(dir: string): DiffusionSpec | null {
  const runConfig = path.join(dir, "config.json");
  if (fs.existsSync(runConfig))
    return (JSON.parse(fs.readFileSync(runConfig, "utf8")) as { diffusion?: DiffusionSpec }).diffusion ?? null;
  if (fs.existsSync(path.join(dir, META_JSON)))
    return (readModelMeta(dir).extra?.diffusion as DiffusionSpec | undefined) ?? null;
  return null;
}
