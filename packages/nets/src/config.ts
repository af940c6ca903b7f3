/**
 * Configuration of the trainable architectures (SPEC.md section 4). One typed object,
 * saved beside every model (ghm-model.json), so a model can be rebuilt from its file.
 */
import { type Grammar, InputError } from "@ghmkit/ghm";
import { architectureNames, getArchitecture } from "./registry";

/** The architectures ghmkit ships; more register with `registerArchitecture` (registry.ts). */
export type BuiltinArch = "convnet" | "unet" | "unet-noskip" | "flat" | "mlp";
/** A registered architecture's name: a built-in or a plug-in's (`architectureNames()`). */
export type Arch = BuiltinArch | (string & {});
export type Task = "classifier" | "denoiser";
/** Nonlinearities accepted (tfjs layer activation names). */
/**
 * Nonlinearities accepted (tfjs layer activation names), plus "lse": log-sum-exp blocks,
 * whose main maps (the non-overlapping conv, the decoder's merge) use softmax and whose
 * 1x1 conv uses log (`ghmLog`, see activations.ts), so a block computes
 * `log(V softmax(U x + b))`: the layer that exact BP needs (`compileBPModel`). Needs
 * extraConvs = 1 and the convnet or unet architecture. "lse-relu": the same blocks with
 * exp (inside the softmax) and log replaced by ReLU networks of `approxWidth` hidden units
 * (the paper's approximation argument; activations.ts), the ReLU-approximated compiled
 * model (`compileBPModel(g, task, { approxWidth })`).
 */
export type Activation = "relu" | "gelu" | "tanh" | "elu" | "softplus" | "swish" | "lse" | "lse-relu";

/** The built-in architectures (`architectureNames()` lists every registered one). */
export const ARCHS: readonly BuiltinArch[] = ["convnet", "unet", "unet-noskip", "flat", "mlp"];
export const TASKS: readonly Task[] = ["classifier", "denoiser"];
export const ACTIVATIONS: readonly Activation[] = [
  "relu",
  "gelu",
  "tanh",
  "elu",
  "softplus",
  "swish",
  "lse",
  "lse-relu",
];

/**
 * Which architectures serve which task. The ConvNet is the U-Net's encoder (it has no
 * per-leaf output); the U-Nets are denoisers (their classifier is the ConvNet).
 */
export const ARCHS_FOR_TASK: Readonly<Record<Task, readonly BuiltinArch[]>> = {
  classifier: ["convnet", "flat", "mlp"],
  denoiser: ["unet", "unet-noskip", "flat", "mlp"],
};

export interface NetConfig {
  /** L: grammar depth = number of down-sampling blocks. */
  depth: number;
  /** m: grammar arity = kernel size and stride of every block. */
  arity: number;
  /** S_L: input channels per leaf (leaf vocabulary size). */
  channels: number;
  /** C = S_0: classifier logits (ignored by denoisers, which output S_L per leaf). */
  classes: number;
  /** W: channels of every hidden layer. */
  width: number;
  activation: Activation;
  /** Extra 1x1 convolutions (width W, same activation) after each block's main map. */
  extraConvs: number;
  /** Seed of the weight initialisers; every layer's seed is drawn from `new Rng(seed)`. */
  seed: number;
  /** activation "lse-relu" only (required there): hidden units of the ReLU nets that replace exp and log. */
  approxWidth?: number;
}

/** Defaults for everything a grammar does not determine. */
export const DEFAULT_NET: Pick<NetConfig, "width" | "activation" | "extraConvs" | "seed"> = {
  width: 64, // wide enough for the small grammars of the experiments (S <= 32)
  activation: "relu",
  extraConvs: 1, // one 1x1 conv per block: the per-node log-sum-exp needs a hidden layer
  seed: 0,
};

/** A config whose depth, arity, channels and classes come from the grammar. */
export function configFromGrammar(
  g: Grammar,
  options: Partial<Omit<NetConfig, "depth" | "arity" | "channels" | "classes">> = {},
): NetConfig {
  const cfg: NetConfig = {
    ...DEFAULT_NET,
    ...options,
    depth: g.depth,
    arity: g.arity,
    channels: g.vocab[g.depth],
    classes: g.vocab[0],
  };
  validateConfig(cfg);
  return cfg;
}

/** The largest leaf count d = m^L accepted (the flat and MLP inputs grow with d). */
export const MAX_LEAVES = 1 << 20;

function positiveInt(cfg: NetConfig, field: keyof NetConfig, min: number): void {
  const v = cfg[field];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new InputError(`net.${field}`, `must be an integer >= ${min}, got ${String(v)}`);
  }
}

/** Throws an InputError naming the bad field and the fix. */
export function validateConfig(cfg: NetConfig): void {
  if (cfg === null || typeof cfg !== "object") throw new InputError("net", "expected an object");
  positiveInt(cfg, "depth", 1);
  positiveInt(cfg, "arity", 2);
  positiveInt(cfg, "channels", 1);
  positiveInt(cfg, "classes", 1);
  positiveInt(cfg, "width", 1);
  positiveInt(cfg, "extraConvs", 0);
  if (!ACTIVATIONS.includes(cfg.activation)) {
    throw new InputError("net.activation", `must be one of ${ACTIVATIONS.join(", ")}, got ${String(cfg.activation)}`);
  }
  if ((cfg.activation === "lse" || cfg.activation === "lse-relu") && cfg.extraConvs !== 1) {
    throw new InputError(
      "net.extraConvs",
      `activation "${cfg.activation}" (softmax then log per block) needs extraConvs = 1, got ${cfg.extraConvs}`,
    );
  }
  if (cfg.activation === "lse-relu") {
    if (
      !(
        Number.isInteger(cfg.approxWidth) &&
        (cfg.approxWidth as number) >= 1 &&
        (cfg.approxWidth as number) <= MAX_APPROX_WIDTH
      )
    ) {
      throw new InputError(
        "net.approxWidth",
        `activation "lse-relu" needs approxWidth, an integer in [1, ${MAX_APPROX_WIDTH}] (hidden units of the ReLU exp/log nets), got ${String(cfg.approxWidth)}`,
      );
    }
  } else if (cfg.approxWidth !== undefined) {
    throw new InputError(
      "net.approxWidth",
      `applies to activation "lse-relu" only (activation is "${cfg.activation}")`,
      "drop it",
    );
  }
  if (typeof cfg.seed !== "number" || !Number.isFinite(cfg.seed)) {
    throw new InputError("net.seed", `must be a finite number, got ${String(cfg.seed)}`);
  }
  if (cfg.arity ** cfg.depth > MAX_LEAVES) {
    throw new InputError(
      "net.depth",
      `d = arity^depth = ${cfg.arity}^${cfg.depth} exceeds ${MAX_LEAVES} leaves`,
      "use a smaller depth or arity",
    );
  }
}

/** Throws an InputError unless `arch` is registered and builds `task`. */
export function validateArchTask(arch: Arch, task: Task): void {
  if (!TASKS.includes(task))
    throw new InputError("task", `must be one of ${TASKS.join(", ")}, got ${JSON.stringify(task)}`);
  const a = getArchitecture(arch);
  if (!a.tasks.includes(task)) {
    const hint = a.taskHint?.[task];
    throw new InputError(
      "arch",
      `"${arch}" has no ${task}${hint ? `: ${hint}` : ""}`,
      `${task} architectures are ${architectureNames(task).join(", ")}`,
    );
  }
}

/** The most hidden units of an "lse-relu" ReLU exp/log net. */
export const MAX_APPROX_WIDTH = 1 << 20;

/** The tfjs activation of a block's main map and of its 1x1 convs under `activation`. */
export function blockActivations(activation: Activation, approxWidth?: number): { main: string; pointwise: string } {
  if (activation === "lse") return { main: "softmax", pointwise: "ghmLog" };
  if (activation === "lse-relu") {
    const names = reluActivationNames(approxWidth as number);
    return { main: names.softmax, pointwise: names.log };
  }
  return { main: activation, pointwise: activation };
}

/** The registered activation names of the ReLU softmax / log nets of width W (activations.ts registers them). */
export function reluActivationNames(W: number): { softmax: string; log: string } {
  return { softmax: `ghmReluSoftmax${W}`, log: `ghmReluLog${W}` };
}
