/**
 * The one typed configuration of a training run. Every default is visible in
 * `defaultTrainConfig`; the whole object is saved as `config.json` beside the
 * results, so a run directory says exactly how it was produced.
 */
import type { Activation } from "@ghmkit/nets";
import { DEFAULT_DIFFUSION, diffusionNoise } from "./diffusionSpec";
import { MAX_DIFFUSION_STEPS, validateTrainConfig } from "./validate";

export type Task = "classifier" | "denoiser";
export type Arch = "convnet" | "unet" | "unet-noskip" | "flat" | "mlp";

/** Where the grammar comes from: a Random Hierarchy Model drawn from a seed, or a ghm/v1 file. */
export type GrammarSpec =
  | { kind: "rhm"; S: number; classes: number; k: number; arity: number; depth: number; seed: number }
  | { kind: "file"; path: string };

/**
 * Leaf noise of the net input. `exact`: clean sequences (the evidence is 0 at the
 * observed symbol, -Infinity elsewhere). `gaussian`: the VP one-hot model
 * z = alpha onehot(x) + sigma g with alpha = sqrt(abar), sigma^2 = 1 - abar, abar drawn
 * per sample in [abarMin, abarMax] (how: `sampling`, see noiseLevel.ts); the net sees the evidence
 * e = (alpha / sigma^2) z through nets' `evidenceToNetInput`, the same input the
 * U-Net adapter builds from a diffusion state (so one net serves every level).
 */
export type NoiseSpec = { kind: "exact" } | GaussianNoise;

/** How abar is drawn in [abarMin, abarMax]: uniformly (default), uniformly in log SNR, or at a diffusion schedule's timesteps. */
export type AbarSampling = "uniform" | "logsnr" | "schedule";

export interface GaussianNoise {
  kind: "gaussian";
  abarMin: number;
  abarMax: number;
  /** Default "uniform" (absent in configs written before the option existed). */
  sampling?: AbarSampling;
  /** sampling "schedule" only: which schedule's timesteps (default "linear", as `ghm diffuse`). */
  schedule?: "linear" | "cosine";
  /**
   * sampling "schedule" only: the reverse sampler's number of steps T'. The levels are
   * abar at the timesteps a `steps`-step sampler visits (over T = max(1000, steps), as
   * `ghm diffuse`); absent: every timestep 1..1000. Set from `config.diffusion.steps`.
   */
  steps?: number;
}

/**
 * How the trained denoiser will be sampled (`ghm diffuse --denoiser RUN` uses it by
 * default): the names and meanings of `ghm diffuse`'s --process, --schedule, --steps and
 * --sampler. With it, `makeTrainConfig` derives the training noise from it when no
 * `noise` is given: abar at the sampler's timesteps, each equally often (one denoiser
 * call per timestep), over exactly the range the sampler visits (diffusionSpec.ts).
 */
export interface DiffusionSpec {
  /** Only "vp": the trainer's gaussian one-hot noise is the VP process. */
  process: "vp";
  /** Noise schedule, T = max(1000, steps) timesteps. */
  schedule: "linear" | "cosine";
  /** Reverse steps T', spaced evenly over T..1. */
  steps: number;
  /** VP reverse step. */
  sampler: "ddpm" | "ddim";
}

export type LrSchedule = "constant" | "cosine";

export interface TrainConfig {
  task: Task;
  arch: Arch;
  grammar: GrammarSpec;
  /** Seeds of the independent random streams (the grammar's own seed is in `grammar`). */
  seeds: {
    /** Training and test sequences, and the order of the training set in each epoch. */
    data: number;
    /** Network weight initialisation. */
    init: number;
    /** Leaf noise of training batches and of the test set. */
    noise: number;
  };
  data: {
    /** P, the number of fixed training samples (the sample-complexity setting); 0 = fresh samples every step. */
    trainSize: number;
    /** Held-out test samples (drawn from their own stream, so the test set does not change with P). */
    testSize: number;
  };
  noise: NoiseSpec;
  /** Denoiser only: extra test evaluations at these fixed signal levels abar (same test sequences). */
  evalAbar: number[];
  /** Network hyper-parameters passed to nets' `buildModel` (its seed is seeds.init; shapes come from the grammar). */
  net: {
    /** W: channels of every hidden layer. */
    width: number;
    activation: Activation;
    /** Extra 1x1 convolutions after each block's main map. */
    extraConvs: number;
    /**
     * "random" (default): seeded initialisers. "compiled": start from the grammar's
     * BP-compiled network (nets' `compileBPModel`: this U-Net / ConvNet with activation
     * "lse" at the width BP needs; width, activation and extraConvs are then taken from
     * it), so training starts at the Bayes loss and shows how far it moves from BP.
     */
    init?: "random" | "compiled";
    /**
     * With init "compiled": start from the ReLU-approximated compiled network instead
     * (`compileBPModel(g, task, { approxWidth })`, activation "lse-relu": exp and log as ReLU
     * nets of this many hidden units; CLI `--init compiled:W`). Default: exact ("lse").
     */
    initApproxWidth?: number;
    /**
     * With init "compiled": standard deviation of Gaussian noise (seeded by seeds.init) added
     * to every weight that trains (every weight when initMask is false; default 0).
     */
    initNoise?: number;
    /**
     * With init "compiled" (default true): the entries that are exactly 0 in the compiled
     * network stay 0 (their gradients are masked), so training moves only the weights BP
     * uses. The compiled network represents "impossible" as a softmax mass of exactly 0
     * read by a floored log; a zero weight that moves by the learning rate lifts such a
     * channel by ~45 nats, and differences of two of them (the decoder's z - u) then
     * swamp the softmax they feed: one Adam step at lr 2e-9 took MSE / Bayes from 1.000
     * to 1.23. false trains every entry (the dense U-Net of that width).
     */
    initMask?: boolean;
  };
  optimizer: {
    /** Peak learning rate of Adam. */
    lr: number;
    schedule: LrSchedule;
    /** Linear warm-up from lr/warmupSteps to lr over the first warmupSteps steps. */
    warmupSteps: number;
    /** cosine: the learning rate decays from lr to lr * minLrFrac at maxSteps. */
    minLrFrac: number;
    beta1: number;
    beta2: number;
    epsilon: number;
  };
  batchSize: number;
  /** Upper bound on optimisation steps. */
  maxSteps: number;
  /** Evaluate on the test set every this many steps; 0 = once per epoch (ceil(P / batchSize) steps; 100 when online). */
  evalEvery: number;
  /** Rows per forward pass during evaluation (memory bound only; results do not depend on it). */
  evalBatchSize: number;
  /**
   * Denoiser only, optional: the diffusion sampler this denoiser is trained for (saved
   * in config.json and the model's metadata; absent in configs written before it existed).
   */
  diffusion?: DiffusionSpec;
  earlyStop: {
    /** Stop after this many evaluations without an improvement of the test loss by more than minDelta; 0 = never. */
    patience: number;
    minDelta: number;
    /** Stop as soon as the gap to Bayes is at most this (classifier: accuracy points as a fraction; denoiser: MSE ratio - 1); null = never. */
    targetGap: number | null;
  };
}

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

/** A partial configuration, merged field by field over the defaults. */
export type TrainConfigOverrides = {
  [K in keyof TrainConfig]?: TrainConfig[K] extends unknown[] | number | string | null
    ? TrainConfig[K]
    : TrainConfig[K] extends { kind: string }
      ? TrainConfig[K]
      : Partial<TrainConfig[K]>;
};

/** Defaults for (task, arch) with the given fields replaced (nested objects merged one level deep). */
export function makeTrainConfig(task: Task, arch: Arch, overrides: TrainConfigOverrides = {}): TrainConfig {
  const base = defaultTrainConfig(task, arch) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (OPTIONAL_SECTIONS.includes(key)) {
      // Fields left out take the defaults of `ghm diffuse`; validateTrainConfig checks the rest.
      base[key] = isPlainObject(value) ? { ...DEFAULT_DIFFUSION, ...value } : value;
      continue;
    }
    if (!(key in base))
      throw new RangeError(
        `config.${key}: unknown field; known fields: ${[...Object.keys(base), ...OPTIONAL_SECTIONS].join(", ")}`,
      );
    const old = base[key];
    // A typo in a nested field would otherwise be saved and silently ignored.
    if (isPlainObject(old) && isPlainObject(value) && !("kind" in old)) {
      for (const k of Object.keys(value)) {
        const optional = key === "net" ? ["init", "initApproxWidth", "initNoise", "initMask"] : [];
        if (!(k in old) && !optional.includes(k))
          throw new RangeError(
            `config.${key}.${k}: unknown field; known fields of ${key}: ${[...Object.keys(old), ...optional].join(", ")}`,
          );
      }
    }
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
