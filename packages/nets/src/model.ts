/** One entry point over every registered architecture (registry.ts) and task. */
import type { tf } from "@ghmkit/tensor";
import { InputError } from "@ghmkit/ghm";
import "./builtins";
import { type Arch, type NetConfig, type Task, validateArchTask, validateConfig } from "./config";
import { MAX_PARAMS } from "./params";
import { getArchitecture } from "./registry";

/**
 * Build `arch` for `task`: classifiers map `[B, d, S_L] -> [B, C]` logits, denoisers
 * `[B, d, S_L] -> [B, d, S_L]` logits per leaf. `architectureNames(task)` lists the
 * valid names; an unknown one throws an InputError listing them.
 */
export function buildModel(arch: Arch, task: Task, cfg: NetConfig): tf.LayersModel {
  validateArchTask(arch, task);
  validateConfig(cfg);
  const a = getArchitecture(arch);
  if ((cfg.activation === "lse" || cfg.activation === "lse-relu") && !a.lseBlocks) {
    throw new InputError(
      "net.activation",
      `activation "${cfg.activation}" (log-sum-exp blocks, the BP-compiled form) is for convnet and unet; ${arch} has no such blocks`,
    );
  }
  const n = a.paramCount?.(cfg, task);
  if (n !== undefined && n > MAX_PARAMS) {
    throw new InputError(
      "net.width",
      `${arch} ${task}: ${n} parameters exceed the limit of ${MAX_PARAMS}`,
      "reduce width, depth or (mlp) the leaf count",
    );
  }
  const model = a.build(cfg, task);
  if (n === undefined && model.countParams() > MAX_PARAMS) {
    const built = model.countParams();
    model.dispose();
    throw new InputError(
      "net.width",
      `${arch} ${task}: ${built} parameters exceed the limit of ${MAX_PARAMS}`,
      "reduce width or depth",
    );
  }
  return model;
}

/** Number of weights (trainable and not) of a model. */
export function countParams(model: tf.LayersModel): number {
  return model.countParams();
}

/** Weights of `arch` for `task` under `cfg` when the architecture can count them unbuilt; else undefined. */
export function archParamCount(arch: Arch, task: Task, cfg: NetConfig): number | undefined {
  return getArchitecture(arch).paramCount?.(cfg, task);
}
