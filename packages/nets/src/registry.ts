/**
 * The architectures nets can build, by name. The built-ins (convnet, unet, unet-noskip,
 * flat, mlp) register here like any other, and a user's own architecture registers with
 * `registerArchitecture`: `buildModel`, `saveModel` / `loadModel`, training and the CLI
 * (`--plugin`) then treat it as a built-in. A saved model records the plugin that
 * registered its architecture, so loading it without that plugin says which one to load.
 */
import { InputError } from "@ghmkit/ghm";
import type { tf } from "@ghmkit/tensor";
import { BUILTIN_ARCHS } from "./builtinArchs";
import type { BuiltinArch, NetConfig, Task } from "./config";

/** What an architecture gives nets. */
export interface Architecture {
  /**
   * The tasks it builds: a classifier maps `[B, d, S_L]` inputs to `[B, C]` logits
   * (C = `config.classes`), a denoiser to `[B, d, S_L]` logits per leaf.
   */
  tasks: readonly Task[];
  /** A fresh model for `task`, its weights drawn from `config.seed`. */
  build(config: NetConfig, task: Task): tf.LayersModel;
  /**
   * Weights and biases of `build(config, task)` without building it, so that sizes
   * that cannot fit are refused before allocating. Without it, nets builds the model
   * and counts.
   */
  paramCount?(config: NetConfig, task: Task): number;
  /** One line for listings (`ghm train --help`). */
  describe?: string;
  /** True if the log-sum-exp activations ("lse", "lse-relu") apply (convnet and unet only). */
  lseBlocks?: boolean;
  /** Why `task` is refused, shown when a user asks for a task not in `tasks`. */
  taskHint?: Partial<Record<Task, string>>;
}

/** A registered architecture: its name and, for a plug-in, the module that registered it. */
export interface RegisteredArchitecture extends Architecture {
  name: string;
  /** The plugin (module path or package name, as the user gave it); undefined for built-ins. */
  plugin?: string;
}

const registry = new Map<string, RegisteredArchitecture>();
let currentPlugin: string | undefined;

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/**
 * Register `name` so that `buildModel(name, task, config)` builds it. Names are
 * lowercase (`[a-z][a-z0-9_.-]*`). A built-in name cannot be replaced; a plug-in may
 * re-register its own names (loading the same plugin twice is harmless).
 */
export function registerArchitecture(name: string, arch: Architecture): void {
  if (typeof name !== "string" || !NAME.test(name))
    throw new InputError(
      "name",
      `architecture name ${JSON.stringify(name)} is not a lowercase identifier`,
      "use letters, digits, '-', '_' or '.', starting with a letter (e.g. my-unet)",
    );
  if (arch === null || typeof arch !== "object" || typeof arch.build !== "function")
    throw new InputError(`architectures.${name}`, "needs a build(config, task) function");
  if (!Array.isArray(arch.tasks) || arch.tasks.length === 0 || arch.tasks.some((t) => !TASK_NAMES.includes(t)))
    throw new InputError(
      `architectures.${name}.tasks`,
      `must be a non-empty list of ${TASK_NAMES.join(", ")}, got ${JSON.stringify(arch.tasks)}`,
    );
  const old = registry.get(name);
  if (old !== undefined && (old.plugin === undefined || old.plugin !== currentPlugin))
    throw new InputError(
      "name",
      `architecture ${name} is already registered by ${old.plugin === undefined ? "ghmkit (built-in)" : `plugin ${old.plugin}`}`,
      "choose another name",
    );
  registry.set(name, { ...arch, tasks: [...arch.tasks], name, plugin: currentPlugin });
}

const TASK_NAMES: readonly Task[] = ["classifier", "denoiser"];

/**
 * Runs `register` (a plugin's registrations) recording `plugin` as the source of every
 * architecture it registers, so that saved models can name it. The CLI calls this for
 * each `--plugin`; library users loading their own modules may too.
 */
export async function registeringFrom(plugin: string, register: () => unknown): Promise<void> {
  const before = currentPlugin;
  currentPlugin = plugin;
  try {
    await register();
  } finally {
    currentPlugin = before;
  }
}

/** Names of the registered architectures (all, or those that build `task`), built-ins first. */
export function architectureNames(task?: Task): string[] {
  return [...registry.values()].filter((a) => task === undefined || a.tasks.includes(task)).map((a) => a.name);
}

/** The registered architecture `name`, or undefined. */
export function findArchitecture(name: string): RegisteredArchitecture | undefined {
  return registry.get(name);
}

/** The registered architecture `name`; an InputError listing the registered names otherwise. */
export function getArchitecture(name: string): RegisteredArchitecture {
  const a = findArchitecture(name);
  if (a === undefined)
    throw new InputError(
      "arch",
      `must be one of ${architectureNames().join(", ")} (the registered architectures), got ${JSON.stringify(name)}`,
      "register a plug-in architecture first: registerArchitecture, or the CLI's --plugin FILE",
    );
  return a;
}

/** Removes a plug-in architecture (tests; a plugin unloading itself). Built-ins stay. */
export function unregisterArchitecture(name: string): boolean {
  const a = registry.get(name);
  if (a === undefined || a.plugin === undefined) return false;
  return registry.delete(name);
}

type Builder = Architecture["build"];
let builtinBuilders: Partial<Record<BuiltinArch, Builder>> = {};

/** builtins.ts gives the built-ins their builders (kept apart so this module stays free of tfjs layers). */
export function setBuiltinBuilders(builders: Record<BuiltinArch, Builder>): void {
  builtinBuilders = builders;
}

for (const [name, d] of Object.entries(BUILTIN_ARCHS) as [BuiltinArch, (typeof BUILTIN_ARCHS)[BuiltinArch]][]) {
  registerArchitecture(name, {
    ...d,
    build: (cfg, task) => {
      const build = builtinBuilders[name];
      // model.ts imports builtins.ts, so every path to buildModel has the builders.
      if (build === undefined) throw new Error(`nets: the built-in ${name} has no builder (builtins.ts not loaded)`);
      return build(cfg, task);
    },
  });
}
