/** One entry point over every architecture and task. */
import type { tf } from "@ghmkit/tensor";
import { type Arch, type NetConfig, type Task, validateArchTask, validateConfig } from "./config";
import { buildConvNet } from "./convnet";
import { buildFlat } from "./flat";
import { buildMLP } from "./mlp";
import { expectedParamCount, MAX_PARAMS } from "./params";
import { buildUNet } from "./unet";

/**
 * Build `arch` for `task`: classifiers map `[B, d, S_L] -> [B, C]` logits, denoisers
 * `[B, d, S_L] -> [B, d, S_L]` logits per leaf. See ARCHS_FOR_TASK for valid pairs.
 */
export function buildModel(arch: Arch, task: Task, cfg: NetConfig): tf.LayersModel {
  validateArchTask(arch, task);
  validateConfig(cfg);
  if ((cfg.activation === "lse" || cfg.activation === "lse-relu") && arch !== "convnet" && arch !== "unet") {
    throw new Error(
      `activation "${cfg.activation}" (log-sum-exp blocks, the BP-compiled form) is for convnet and unet; ${arch} has no such blocks`,
    );
  }
  const n = expectedParamCount(arch, task, cfg);
  if (n > MAX_PARAMS) {
    throw new Error(
      `${arch} ${task}: ${n} parameters exceed the limit of ${MAX_PARAMS}; reduce width, depth or (mlp) the leaf count`,
    );
  }
  switch (arch) {
    case "convnet":
      return buildConvNet(cfg);
    case "unet":
      return buildUNet(cfg, { skips: true });
    case "unet-noskip":
      return buildUNet(cfg, { skips: false });
    case "flat":
      return buildFlat(cfg, task);
    case "mlp":
      return buildMLP(cfg, task);
  }
}

/** Number of weights (trainable and not) of a model. */
export function countParams(model: tf.LayersModel): number {
  return model.countParams();
}
