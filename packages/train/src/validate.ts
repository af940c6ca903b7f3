import { ACTIVATIONS } from "@ghmkit/nets";
import type { TrainConfig } from "./config";
import { scheduleLevels } from "./noiseLevel";

const TASKS = ["classifier", "denoiser"];
const ARCHS = ["convnet", "unet", "unet-noskip", "flat", "mlp"];
const SAMPLINGS = ["uniform", "logsnr", "schedule"];
const DIFFUSION_FIELDS = ["process", "schedule", "steps", "sampler"];
/** Most reverse steps of a sampler (`ghm diffuse --steps`' limit). */
export const MAX_DIFFUSION_STEPS = 100_000;

/** Largest training/test set held in memory (sequences); about 1 GiB of net input at d*S = 64. */
export const MAX_SAMPLES = 4_000_000;

/**
 * Throws a RangeError naming the first bad field of a configuration and how to
 * fix it; a run never starts on a configuration that would produce NaN or cannot fit.
 */
export function validateTrainConfig(cfg: TrainConfig): void {
  const fail = (field: string, msg: string): never => {
    throw new RangeError(`config.${field}: ${msg}`);
  };
  const int = (field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      fail(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
  };
  const num = (field: string, v: unknown, lo: number, hi: number, openLo = false): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v > hi || (openLo ? v <= lo : v < lo)) {
      fail(field, `must be a number in ${openLo ? "(" : "["}${lo}, ${hi}], got ${JSON.stringify(v)}`);
    }
  };

  if (!TASKS.includes(cfg.task)) fail("task", `must be one of ${TASKS.join(", ")}, got ${JSON.stringify(cfg.task)}`);
  if (!ARCHS.includes(cfg.arch)) fail("arch", `must be one of ${ARCHS.join(", ")}, got ${JSON.stringify(cfg.arch)}`);
  if (cfg.task === "classifier" && (cfg.arch === "unet" || cfg.arch === "unet-noskip")) {
    fail("arch", `"${cfg.arch}" is a denoiser; for task classifier use convnet, flat or mlp`);
  }
  if (cfg.task === "denoiser" && cfg.arch === "convnet") {
    fail("arch", `"convnet" is a classifier; for task denoiser use unet, unet-noskip, flat or mlp`);
  }

  const g = cfg.grammar;
  if (g?.kind === "rhm") {
    int("grammar.S", g.S, 2, 4096);
    int("grammar.classes", g.classes, 2, g.S);
    int("grammar.k", g.k, 1, 1e6);
    int("grammar.arity", g.arity, 2, 16);
    int("grammar.depth", g.depth, 1, 16);
    num("grammar.seed", g.seed, -Number.MAX_VALUE, Number.MAX_VALUE);
    if (g.arity ** g.depth > 65536)
      fail("grammar.depth", `d = arity^depth = ${g.arity ** g.depth} leaves is above 65536`);
  } else if (g?.kind === "file") {
    if (typeof g.path !== "string" || g.path === "") fail("grammar.path", "must name a ghm/v1 grammar file");
  } else {
    fail("grammar.kind", `must be "rhm" or "file", got ${JSON.stringify((g as { kind?: unknown })?.kind)}`);
  }

  for (const k of ["data", "init", "noise"] as const)
    num(`seeds.${k}`, cfg.seeds?.[k], -Number.MAX_VALUE, Number.MAX_VALUE);
  int("data.trainSize", cfg.data?.trainSize, 0, MAX_SAMPLES);
  int("data.testSize", cfg.data?.testSize, 1, MAX_SAMPLES);

  const n = cfg.noise;
  const noiseFields: Record<string, string[]> = {
    exact: ["kind"],
    gaussian: ["kind", "abarMin", "abarMax", "sampling", "schedule", "steps"],
  };
  const allowed = noiseFields[(n as { kind?: string })?.kind ?? ""];
  const stray = allowed ? Object.keys(n).filter((k) => !allowed.includes(k)) : [];
  if (stray.length)
    fail(`noise.${stray[0]}`, `is not a field of noise kind "${n.kind}" (fields: ${allowed.join(", ")})`);
  if (n?.kind === "gaussian") {
    num("noise.abarMin", n.abarMin, 0, 1, true);
    num("noise.abarMax", n.abarMax, n.abarMin, 1);
    if (n.abarMax >= 1)
      fail(
        "noise.abarMax",
        "must be below 1 (abar = 1 is noiseless: sigma = 0 makes the evidence infinite); use noise.kind exact for clean data",
      );
    const sampling = n.sampling ?? "uniform";
    if (!SAMPLINGS.includes(sampling))
      fail("noise.sampling", `must be one of ${SAMPLINGS.join(", ")}, got ${JSON.stringify(n.sampling)}`);
    if (n.schedule !== undefined) {
      if (sampling !== "schedule")
        fail("noise.schedule", `applies to sampling "schedule" only; remove it or set noise.sampling to "schedule"`);
      if (n.schedule !== "linear" && n.schedule !== "cosine")
        fail("noise.schedule", `must be "linear" or "cosine", got ${JSON.stringify(n.schedule)}`);
    }
    if (n.steps !== undefined) {
      if (sampling !== "schedule")
        fail("noise.steps", `applies to sampling "schedule" only; remove it or set noise.sampling to "schedule"`);
      int("noise.steps", n.steps, 1, MAX_DIFFUSION_STEPS);
    }
    if (sampling === "schedule" && scheduleLevels(n.schedule ?? "linear", n.abarMin, n.abarMax, n.steps).length === 0) {
      fail(
        "noise.abarMin",
        `no timestep of the ${n.schedule ?? "linear"} schedule${n.steps ? ` sampled in ${n.steps} steps` : ""} has abar in [${n.abarMin}, ${n.abarMax}]; widen the range`,
      );
    }
  } else if (n?.kind !== "exact") {
    fail("noise.kind", `must be "exact" or "gaussian", got ${JSON.stringify((n as { kind?: unknown })?.kind)}`);
  }
  if (cfg.task === "denoiser" && n.kind === "exact") fail("noise.kind", "a denoiser needs noisy inputs; use gaussian");
  if (!Array.isArray(cfg.evalAbar)) fail("evalAbar", "must be an array of signal levels in (0, 1)");
  cfg.evalAbar.forEach((a, i) => {
    num(`evalAbar[${i}]`, a, 0, 1, true);
    if (a >= 1) fail(`evalAbar[${i}]`, "must be below 1");
  });
  if (cfg.task === "classifier" && cfg.evalAbar.length > 0) fail("evalAbar", "is for denoisers only; use []");

  if (cfg.diffusion !== undefined) validateDiffusion(cfg, fail, int);

  int("net.width", cfg.net?.width, 1, 4096);
  int("net.extraConvs", cfg.net.extraConvs, 0, 64);
  if (!ACTIVATIONS.includes(cfg.net.activation))
    fail("net.activation", `must be one of ${ACTIVATIONS.join(", ")}, got ${JSON.stringify(cfg.net.activation)}`);
  if (cfg.net.init !== undefined && cfg.net.init !== "random" && cfg.net.init !== "compiled")
    fail("net.init", `must be "random" or "compiled", got ${JSON.stringify(cfg.net.init)}`);
  if (cfg.net.init === "compiled" && cfg.arch !== "unet" && cfg.arch !== "convnet")
    fail(
      "net.init",
      `"compiled" builds the BP-compiled U-Net (denoiser) or ConvNet (classifier); arch ${cfg.arch} has none`,
    );
  if (cfg.net.initApproxWidth !== undefined) int("net.initApproxWidth", cfg.net.initApproxWidth, 1, 1 << 20);
  if (cfg.net.initApproxWidth !== undefined && cfg.net.init !== "compiled")
    fail(
      "net.initApproxWidth",
      `applies to net.init "compiled" only (the ReLU-approximated compiled start); drop it or set net.init to "compiled"`,
    );
  if (cfg.net.initNoise !== undefined) num("net.initNoise", cfg.net.initNoise, 0, 1e6);
  if (cfg.net.initNoise !== undefined && cfg.net.initNoise > 0 && cfg.net.init !== "compiled")
    fail(
      "net.initNoise",
      `applies to net.init "compiled" only (random weights have their own initialiser); drop it or set net.init to "compiled"`,
    );
  if (cfg.net.initMask !== undefined && typeof cfg.net.initMask !== "boolean")
    fail("net.initMask", `must be true or false, got ${JSON.stringify(cfg.net.initMask)}`);
  if (cfg.net.initMask !== undefined && cfg.net.init !== "compiled")
    fail("net.initMask", `applies to net.init "compiled" only; drop it or set net.init to "compiled"`);
  const o = cfg.optimizer;
  num("optimizer.lr", o?.lr, 0, 1e6, true);
  if (o.schedule !== "constant" && o.schedule !== "cosine")
    fail("optimizer.schedule", `must be "constant" or "cosine", got ${JSON.stringify(o.schedule)}`);
  int("optimizer.warmupSteps", o.warmupSteps, 0);
  num("optimizer.minLrFrac", o.minLrFrac, 0, 1);
  num("optimizer.beta1", o.beta1, 0, 1);
  if (o.beta1 >= 1) fail("optimizer.beta1", "must be below 1");
  num("optimizer.beta2", o.beta2, 0, 1);
  if (o.beta2 >= 1) fail("optimizer.beta2", "must be below 1");
  num("optimizer.epsilon", o.epsilon, 0, 1, true);

  int("batchSize", cfg.batchSize, 1, 65536);
  if (cfg.data.trainSize > 0 && cfg.batchSize > cfg.data.trainSize) {
    fail(
      "batchSize",
      `${cfg.batchSize} is larger than data.trainSize = ${cfg.data.trainSize}; lower it or add training samples`,
    );
  }
  int("maxSteps", cfg.maxSteps, 1, 1e9);
  int("evalEvery", cfg.evalEvery, 0, 1e9);
  int("evalBatchSize", cfg.evalBatchSize, 1, 65536);
  int("earlyStop.patience", cfg.earlyStop?.patience, 0, 1e9);
  num("earlyStop.minDelta", cfg.earlyStop.minDelta, 0, Number.MAX_VALUE);
  if (cfg.earlyStop.targetGap !== null) num("earlyStop.targetGap", cfg.earlyStop.targetGap, -1, Number.MAX_VALUE);
}

/** The diffusion section: its own fields, and agreement with the noise it trains on. */
function validateDiffusion(
  cfg: TrainConfig,
  fail: (field: string, msg: string) => never,
  int: (field: string, v: unknown, min: number, max?: number) => void,
): void {
  const d = cfg.diffusion as unknown as Record<string, unknown>;
  if (typeof d !== "object" || d === null || Array.isArray(d))
    fail("diffusion", `must be an object {${DIFFUSION_FIELDS.join(", ")}} or absent, got ${JSON.stringify(d)}`);
  const stray = Object.keys(d).filter((k) => !DIFFUSION_FIELDS.includes(k));
  if (stray.length) fail(`diffusion.${stray[0]}`, `unknown field; fields of diffusion: ${DIFFUSION_FIELDS.join(", ")}`);
  if (cfg.task !== "denoiser")
    fail("diffusion", "is for denoisers only (the sampler a denoiser is trained for); remove it");
  if (d.process !== "vp")
    fail(
      "diffusion.process",
      `must be "vp" (the trainer's gaussian one-hot noise is the VP process), got ${JSON.stringify(d.process)}`,
    );
  if (d.schedule !== "linear" && d.schedule !== "cosine")
    fail("diffusion.schedule", `must be "linear" or "cosine", got ${JSON.stringify(d.schedule)}`);
  int("diffusion.steps", d.steps, 1, MAX_DIFFUSION_STEPS);
  if (d.sampler !== "ddpm" && d.sampler !== "ddim")
    fail("diffusion.sampler", `must be "ddpm" or "ddim", got ${JSON.stringify(d.sampler)}`);
  const n = cfg.noise;
  if (n.kind === "gaussian" && n.sampling === "schedule") {
    const fix = "the training levels must be the sampler's: leave noise out to derive it from config.diffusion";
    if ((n.schedule ?? "linear") !== d.schedule)
      fail(
        "noise.schedule",
        `is "${n.schedule ?? "linear"}" but config.diffusion.schedule is "${d.schedule}"; ${fix}, or make them equal`,
      );
    if (n.steps !== d.steps)
      fail(
        "noise.steps",
        `is ${n.steps ?? "absent (every timestep of T = 1000)"} but config.diffusion.steps is ${d.steps}; ${fix}, or make them equal`,
      );
  }
}
