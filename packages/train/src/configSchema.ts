/**
 * The one schema of a training configuration (zod): TrainConfig's type is inferred from
 * it, `validateTrainConfig` and `makeTrainConfig` check with it, the CLI's `--config`
 * check is its partial form, and the README's field table is generated from its
 * descriptions (configTable.ts). Failures are ghm's InputError, field `config.<path>`.
 *
 * The architecture is any non-empty name: nets' registry (built-ins and plug-ins)
 * decides at model build time whether it exists; a registered one that lacks the task
 * is refused here already.
 */
import { InputError } from "@ghmkit/ghm";
import { ACTIVATIONS, type Activation, architectureNames, findArchitecture } from "@ghmkit/nets";
import { z } from "zod";
import { scheduleLevels } from "./noiseLevel";

/** Most reverse steps of a sampler (`ghm diffuse --steps`' limit). */
export const MAX_DIFFUSION_STEPS = 100_000;

/** Largest training/test set held in memory (sequences); about 1 GiB of net input at d*S = 64. */
export const MAX_SAMPLES = 4_000_000;

const got = (iss: { input?: unknown }): string => JSON.stringify(iss.input);

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  const error = (iss: { input?: unknown }) => `must be an integer in [${min}, ${max}], got ${got(iss)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function num(lo: number, hi: number, openLo = false) {
  const error = (iss: { input?: unknown }) => `must be a number in ${openLo ? "(" : "["}${lo}, ${hi}], got ${got(iss)}`;
  const n = z.number({ error });
  return (openLo ? n.gt(lo, { error }) : n.min(lo, { error })).max(hi, { error });
}

/** A number below 1 (and in (0, 1) or [0, 1)); `what` says why 1 is excluded. */
function belowOne(openLo: boolean, why = "must be below 1") {
  return num(0, 1, openLo).refine((v) => v < 1, { error: why });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) =>
      values.length === 2
        ? `must be "${values[0]}" or "${values[1]}", got ${got(iss)}`
        : `must be one of ${values.join(", ")}, got ${got(iss)}`,
  });
}

const seed = num(-Number.MAX_VALUE, Number.MAX_VALUE);

export const grammarSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("rhm"),
      S: int(2, 4096),
      classes: int(2, 4096),
      k: int(1, 1e6),
      arity: int(2, 16),
      depth: int(1, 16),
      seed,
    }),
    z.strictObject({
      kind: z.literal("file"),
      path: z.string({ error: "must name a ghm/v1 grammar file" }).min(1, { error: "must name a ghm/v1 grammar file" }),
    }),
  ])
  .describe(
    'an RHM drawn by `randomRhm` (`{kind:"rhm", S, classes, k, arity, depth, seed}`), or `{kind:"file", path}` (ghm/v1)',
  );

const gaussianNoise = z.strictObject({
  kind: z.literal("gaussian"),
  abarMin: num(0, 1, true).describe("lowest signal level abar of a training row"),
  abarMax: belowOne(
    true,
    "must be below 1 (abar = 1 is noiseless: sigma = 0 makes the evidence infinite); use noise.kind exact for clean data",
  ).describe("highest signal level abar of a training row (below 1)"),
  sampling: oneOf(["uniform", "logsnr", "schedule"])
    .optional()
    .describe(
      'how abar is drawn: `"uniform"` in abar (when absent); `"logsnr"`: uniform in log(abar / (1 - abar)); `"schedule"`: abar(t) for t uniform over the timesteps of a diffusion schedule that fall in the range',
    ),
  schedule: oneOf(["linear", "cosine"])
    .optional()
    .describe(
      '`sampling: "schedule"` only: `"linear"` (when absent) or `"cosine"` (the schedules of `ghm diffuse --schedule`)',
    ),
  steps: int(1, MAX_DIFFUSION_STEPS)
    .optional()
    .describe(
      '`sampling: "schedule"` only: the levels are abar at the timesteps of a `steps`-step reverse sampler (T = max(1000, steps)); absent: every timestep 1..1000. Set from `diffusion.steps`',
    ),
});

export const noiseSchema = z
  .discriminatedUnion("kind", [z.strictObject({ kind: z.literal("exact") }), gaussianNoise])
  .describe(
    'leaf noise: `{kind:"exact"}` (clean leaves) or `{kind:"gaussian", abarMin, abarMax, sampling?, schedule?, steps?}` (the VP one-hot model, abar drawn per row)',
  );

export const diffusionSchema = z
  .strictObject(
    {
      process: z.literal("vp", {
        error: (iss) => `must be "vp" (the trainer's gaussian one-hot noise is the VP process), got ${got(iss)}`,
      }),
      schedule: oneOf(["linear", "cosine"]),
      steps: int(1, MAX_DIFFUSION_STEPS),
      sampler: oneOf(["ddpm", "ddim"]),
    },
    {
      error: (iss) =>
        iss.code === "invalid_type"
          ? `must be an object {process, schedule, steps, sampler} or absent, got ${got(iss)}`
          : undefined,
    },
  )
  .describe(
    'denoiser only, optional: the sampler the denoiser is trained for, `{process: "vp", schedule: "linear"\\|"cosine", steps, sampler: "ddpm"\\|"ddim"}` (the names of `ghm diffuse`; fields left out take its defaults `vp`, `linear`, 200, `ddpm`). Without an explicit `noise`, the training noise is derived from it. Saved in `config.json` and the model\'s `ghm-model.json`',
  );

const activation = z.custom<Activation>((a) => (ACTIVATIONS as readonly unknown[]).includes(a), {
  error: (iss) => `must be one of ${ACTIVATIONS.join(", ")}, got ${got(iss)}`,
});

/** The sections and fields of a configuration, before the rules that relate fields. */
const shape = {
  task: oneOf(["classifier", "denoiser"]).describe('`"classifier"` or `"denoiser"`'),
  arch: z
    .string({ error: (iss) => `must be an architecture name, got ${got(iss)}` })
    .min(1, { error: "must be an architecture name, got an empty string" })
    .describe(
      "an architecture registered in nets (built-ins: convnet, flat, mlp for classifiers; unet, unet-noskip, flat, mlp for denoisers; or a plug-in's)",
    ),
  grammar: grammarSchema,
  seeds: z.strictObject({
    data: seed.describe("training and test sequences, and the epoch order"),
    init: seed.describe("network weight initialisation"),
    noise: seed.describe("leaf noise of training batches and of the test set"),
  }),
  data: z.strictObject({
    trainSize: int(0, MAX_SAMPLES).describe(
      "P fixed training samples (sample-complexity setting); 0 = fresh samples every step",
    ),
    testSize: int(1, MAX_SAMPLES).describe("held-out test samples"),
  }),
  noise: noiseSchema,
  evalAbar: z
    .array(belowOne(true), { error: "must be an array of signal levels in (0, 1)" })
    .describe("denoiser only: extra test evaluations at fixed signal levels (same test sequences)"),
  net: z.strictObject({
    width: int(1, 4096).describe("channels of every hidden layer"),
    activation: activation.describe("nonlinearity (nets' ACTIVATIONS)"),
    extraConvs: int(0, 64).describe("extra 1x1 convolutions per block"),
    init: oneOf(["random", "compiled"])
      .optional()
      .describe(
        '`"random"` (when absent): seeded initialisers; `"compiled"`: start from the grammar\'s BP-compiled U-Net / ConvNet',
      ),
    initApproxWidth: int(1, 1 << 20)
      .optional()
      .describe('init `"compiled"` only: start from the ReLU-approximated compiled network of this width'),
    initNoise: num(0, 1e6)
      .optional()
      .describe('init `"compiled"` only: Gaussian noise added to the weights that train'),
    initMask: z
      .boolean({ error: (iss) => `must be true or false, got ${got(iss)}` })
      .optional()
      .describe('init `"compiled"` only (default true): entries that are 0 in the compiled network stay 0'),
  }),
  optimizer: z.strictObject({
    lr: num(0, 1e6, true).describe("peak Adam learning rate"),
    schedule: oneOf(["constant", "cosine"]).describe(
      '`"constant"` or `"cosine"` (down to `lr * minLrFrac` at `maxSteps`)',
    ),
    warmupSteps: int(0).describe("linear warm-up steps"),
    minLrFrac: num(0, 1).describe("final fraction of the peak rate (cosine)"),
    beta1: belowOne(false).describe("Adam beta1"),
    beta2: belowOne(false).describe("Adam beta2"),
    epsilon: num(0, 1, true).describe("Adam epsilon"),
  }),
  batchSize: int(1, 65536).describe("rows per step (with a fixed set the last partial batch of an epoch is dropped)"),
  maxSteps: int(1, 1e9).describe("optimisation steps"),
  evalEvery: int(0, 1e9).describe("steps between evaluations; 0 = one epoch (100 steps when online)"),
  evalBatchSize: int(1, 65536).describe("rows per forward pass at evaluation (memory only)"),
  threads: z
    .custom<number | "auto">(
      (v) => v === "auto" || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 256),
      {
        error: (iss) => `must be an integer in [1, 256] or "auto", got ${got(iss)}`,
      },
    )
    .optional()
    .describe(
      'threads of a training step (Node worker_threads, each with a replica of the network and a share of the batch; losses equal one thread\'s up to float32 summation order, reproducible for a given count); `"auto"`: on the wasm and cpu backends as many cores as the step is big enough for (leaves x width^2 x batch >= 2^25 per thread, where 2 threads gained 1.35x on 2 vCPUs; a quarter of that lost, 0.77x), 1 on tfjs-node; absent: 1 (`ghm train --threads`)',
    ),
  prefetch: z
    .boolean({ error: (iss) => `must be true or false, got ${got(iss)}` })
    .optional()
    .describe(
      "draw the next training batches (sampling, noise, net input) on a worker thread while the step runs (Node worker_threads): the same batches, losses and checkpoints either way, so it may change on resume; `true`: from the first batch; absent: where `os.availableParallelism()` >= 2 and, timed on the first 4 batches, the run's remaining ones would take the main thread longer to draw than the worker's start (about 0.5 s of CPU), so short runs start none",
    ),
  diffusion: diffusionSchema.optional(),
  earlyStop: z.strictObject({
    patience: int(0, 1e9).describe(
      "stop after this many evaluations without test-loss improvement > `minDelta`; 0 = never",
    ),
    minDelta: num(0, Number.MAX_VALUE).describe("the improvement that counts"),
    targetGap: num(-1, Number.MAX_VALUE).nullable().describe("stop once `gap <= targetGap`; null = never"),
  }),
};

type Issue = { path: (string | number)[]; message: string };

/** The rules that relate fields (each names the field to change). */
function crossFieldIssues(c: z.infer<typeof fieldsSchema>): Issue[] {
  const out: Issue[] = [];
  const fail = (path: string, message: string) => out.push({ path: path.split("."), message });
  const registered = findArchitecture(c.arch);
  if (registered !== undefined && !registered.tasks.includes(c.task))
    fail("arch", `"${c.arch}" has no ${c.task}; for task ${c.task} use ${architectureNames(c.task).join(", ")}`);
  const g = c.grammar;
  if (g.kind === "rhm") {
    if (g.classes > g.S) fail("grammar.classes", `must be an integer in [2, ${g.S}] (at most S), got ${g.classes}`);
    if (g.arity ** g.depth > 65536)
      fail("grammar.depth", `d = arity^depth = ${g.arity ** g.depth} leaves is above 65536`);
  }
  const n = c.noise;
  if (n.kind === "gaussian") {
    if (n.abarMax < n.abarMin) fail("noise.abarMax", `must be a number in [${n.abarMin}, 1], got ${n.abarMax}`);
    const sampling = n.sampling ?? "uniform";
    for (const k of ["schedule", "steps"] as const)
      if (n[k] !== undefined && sampling !== "schedule")
        fail(`noise.${k}`, `applies to sampling "schedule" only; remove it or set noise.sampling to "schedule"`);
    if (
      sampling === "schedule" &&
      n.abarMax >= n.abarMin &&
      scheduleLevels(n.schedule ?? "linear", n.abarMin, n.abarMax, n.steps).length === 0
    )
      fail(
        "noise.abarMin",
        `no timestep of the ${n.schedule ?? "linear"} schedule${n.steps ? ` sampled in ${n.steps} steps` : ""} has abar in [${n.abarMin}, ${n.abarMax}]; widen the range`,
      );
  }
  if (c.task === "denoiser" && n.kind === "exact") fail("noise.kind", "a denoiser needs noisy inputs; use gaussian");
  if (c.task === "classifier" && c.evalAbar.length > 0) fail("evalAbar", "is for denoisers only; use []");
  const d = c.diffusion;
  if (d !== undefined) {
    if (c.task !== "denoiser")
      fail("diffusion", "is for denoisers only (the sampler a denoiser is trained for); remove it");
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
  const net = c.net;
  if (net.init === "compiled" && c.arch !== "unet" && c.arch !== "convnet")
    fail(
      "net.init",
      `"compiled" builds the BP-compiled U-Net (denoiser) or ConvNet (classifier); arch ${c.arch} has none`,
    );
  if (net.initApproxWidth !== undefined && net.init !== "compiled")
    fail(
      "net.initApproxWidth",
      `applies to net.init "compiled" only (the ReLU-approximated compiled start); drop it or set net.init to "compiled"`,
    );
  if (net.initNoise !== undefined && net.initNoise > 0 && net.init !== "compiled")
    fail(
      "net.initNoise",
      `applies to net.init "compiled" only (random weights have their own initialiser); drop it or set net.init to "compiled"`,
    );
  if (net.initMask !== undefined && net.init !== "compiled")
    fail("net.initMask", `applies to net.init "compiled" only; drop it or set net.init to "compiled"`);
  if (c.data.trainSize > 0 && c.batchSize > c.data.trainSize)
    fail(
      "batchSize",
      `${c.batchSize} is larger than data.trainSize = ${c.data.trainSize}; lower it or add training samples`,
    );
  return out;
}

const fieldsSchema = z.strictObject(shape);

/** The sections and fields (configTable.ts documents them). */
export const trainConfigFieldsShape = shape;

/** A complete training configuration: every field, then (only once every field is valid) every rule relating them. */
export const trainConfigSchema = fieldsSchema.pipe(
  z.custom<z.infer<typeof fieldsSchema>>().superRefine((c, ctx) => {
    for (const issue of crossFieldIssues(c)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }),
);

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/**
 * A partial configuration (`ghm train --config`, `makeTrainConfig`'s overrides): any
 * subset of the sections, each section's fields optional (grammar and noise are
 * replaced whole, so they keep their required fields), no unknown field anywhere.
 * Rules that relate fields are checked once merged over the defaults.
 */
export const trainConfigOverridesSchema = z
  .strictObject({
    ...shape,
    seeds: shape.seeds.partial(),
    data: shape.data.partial(),
    net: shape.net.partial(),
    optimizer: shape.optimizer.partial(),
    earlyStop: shape.earlyStop.partial(),
    diffusion: diffusionSchema.partial(),
  })
  .partial();

export type TrainConfigOverrides = z.infer<typeof trainConfigOverridesSchema>;

/** `value` checked against `schema`; the first problem as an InputError naming `config.<path>`. */
export function checkWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw issueError(r.error.issues[0]);
}

function issueError(issue: z.core.$ZodIssue): InputError {
  let path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  let detail = issue.message;
  let hint = "";
  if (issue.code === "unrecognized_keys") {
    path += `.${issue.keys[0]}`;
    detail = "unknown field";
    hint = `known fields: ${knownFields(issue.path).join(", ")}`;
  } else if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator !== undefined) {
    path += `.${issue.discriminator}`;
    const input = (issue as { input?: unknown }).input as Record<string, unknown> | undefined;
    detail = `must be one of ${discriminatorValues(issue.path).join(", ")}, got ${JSON.stringify(input?.[issue.discriminator])}`;
  }
  return new InputError(`config${path.replace(/^\./, ".")}`, detail, hint);
}

/** The field names of the object the schema has at `path` (for "unknown field" hints). */
function knownFields(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(shape);
  const section = (shape as Record<string, unknown>)[String(path[0])];
  const s = section instanceof z.ZodOptional ? section.unwrap() : section;
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodDiscriminatedUnion)
    return [...new Set(s.options.flatMap((o) => Object.keys((o as z.ZodObject).shape)))];
  return [];
}

function discriminatorValues(path: readonly PropertyKey[]): string[] {
  const s = (shape as Record<string, unknown>)[String(path[0])];
  if (!(s instanceof z.ZodDiscriminatedUnion)) return [];
  return s.options.map((o) => JSON.stringify(((o as z.ZodObject).shape.kind as z.ZodLiteral).value));
}
