/**
 * The one typed configuration of a training run. Every default is visible in
 * `defaultTrainConfig`; the whole object is saved as `config.json` beside the
 * results, so a run directory says exactly how it was produced.
 */
import type { TrainConfig, TrainConfigOverrides } from "./configSchema";
import { DEFAULT_DIFFUSION, diffusionNoise } from "./diffusionSpec";
import { MAX_DIFFUSION_STEPS, validateTrainConfig } from "./validate";

/** The configuration's types, inferred from its one schema (configSchema.ts). */
export type { TrainConfig, TrainConfigOverrides } from "./configSchema";
export type Task = TrainConfig["task"];
/** An architecture registered in nets (a built-in or a plug-in's). */
export type Arch = TrainConfig["arch"];
/** Where the grammar comes from: a Random Hierarchy Model drawn from a seed, or a ghm/v1 file. */
export type GrammarSpec = TrainConfig["grammar"];
/**
 * Leaf noise of the net input. `exact`: clean sequences (the evidence is 0 at the
 * observed symbol, -Infinity elsewhere). `gaussian`: the VP one-hot model
 * z = alpha onehot(x) + sigma g with alpha = sqrt(abar), sigma^2 = 1 - abar, abar drawn
 * per sample in [abarMin, abarMax] (how: `sampling`, see noiseLevel.ts); the net sees the evidence
 * e = (alpha / sigma^2) z through nets' `evidenceToNetInput`, the same input the
 * denoiser adapter builds from a diffusion state (so one net serves every level).
 */
export type NoiseSpec = TrainConfig["noise"];
export type GaussianNoise = Extract<NoiseSpec, { kind: "gaussian" }>;
/** How abar is drawn in [abarMin, abarMax]: uniformly (default), uniformly in log SNR, or at a diffusion schedule's timesteps. */
export type AbarSampling = NonNullable<GaussianNoise["sampling"]>;
/**
 * How the trained denoiser will be sampled (`ghm diffuse --denoiser RUN` uses it by
 * default): the names and meanings of `ghm diffuse`'s --process, --schedule, --steps and
 * --sampler. With it, `makeTrainConfig` derives the training noise from it when no
 * `noise` is given (diffusionSpec.ts).
 */
export type DiffusionSpec = NonNullable<TrainConfig["diffusion"]>;
export type LrSchedule = TrainConfig["optimizer"]["schedule"];

/**
 * Defaults for the paper's experiments on the default RHM (S = 8, C = 8, k = 2,
 * m = 2, L = 3). The convnet classifier and the U-Net denoiser reach Bayes with
 * these (see README for the measured figures).
 */
export function defaultTrainConfig(task: Task, arch: Arch): TrainConfig {
  const denoise = task === "denoiser";
  return {
    task,
    arch,
    grammar: { kind: "rhm", S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 },
    seeds: { data: 2, init: 3, noise: 4 },
    data: { trainSize: denoise ? 0 : 1024, testSize: 1024 },
    noise: denoise ? { kind: "gaussian", abarMin: 0.05, abarMax: 0.95 } : { kind: "exact" },
    evalAbar: denoise ? [0.25, 0.5, 0.75] : [],
    net: { width: 64, activation: "relu", extraConvs: 1 },
    optimizer: {
      lr: 3e-3,
      schedule: "cosine",
      warmupSteps: 50,
      minLrFrac: 0.05,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    },
    batchSize: 64,
    maxSteps: denoise ? 2500 : 1000,
    evalEvery: denoise ? 250 : 0,
    evalBatchSize: 512,
    earlyStop: { patience: 0, minDelta: 0, targetGap: null },
  };
}

/** Defaults for (task, arch) with the given fields replaced (nested objects merged one level deep). */
export function makeTrainConfig(task: Task, arch: Arch, overrides: TrainConfigOverrides = {}): TrainConfig {
  const base = defaultTrainConfig(task, arch) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (OPTIONAL_SECTIONS.includes(key)) {
      // Fields left out take the defaults of `ghm diffuse`; the schema checks the rest.
      base[key] = isPlainObject(value) ? { ...DEFAULT_DIFFUSION, ...value } : value;
      continue;
    }
    const old = base[key];
    // An unknown or misspelt field is carried into the merge and refused by the strict schema.
    const mergeable = isPlainObject(old) && isPlainObject(value) && !("kind" in value);
    base[key] = mergeable ? { ...old, ...value } : value;
  }
  const cfg = base as unknown as TrainConfig;
  // A diffusion section without an explicit noise: train at the levels its sampler visits.
  // With noise sampling "schedule", its schedule and steps default to the sampler's.
  const d = cfg.diffusion;
  if (d !== undefined && isPlainObject(d) && task === "denoiser" && derivable(d)) {
    if (overrides.noise === undefined) cfg.noise = diffusionNoise(d);
    else if (cfg.noise.kind === "gaussian" && cfg.noise.sampling === "schedule")
      cfg.noise = { schedule: d.schedule, steps: d.steps, ...cfg.noise };
  }
  validateTrainConfig(cfg);
  return cfg;
}

/** The section's schedule and steps are valid (otherwise validateTrainConfig names the bad field). */
function derivable(d: DiffusionSpec): boolean {
  return (
    (d.schedule === "linear" || d.schedule === "cosine") &&
    Number.isInteger(d.steps) &&
    d.steps >= 1 &&
    d.steps <= MAX_DIFFUSION_STEPS
  );
}

/** Sections that are absent by default (and in configs written before they existed). */
const OPTIONAL_SECTIONS = ["diffusion"];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
