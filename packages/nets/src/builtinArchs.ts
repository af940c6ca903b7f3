/**
 * What the built-in architectures are (tasks, parameter counts, descriptions), without
 * their builders: pure, so the registry knows them wherever nets is imported (the
 * browser-safe ghm-model.json reader included). builtins.ts attaches the builders.
 */
import type { BuiltinArch, NetConfig, Task } from "./config";
import { expectedParamCount } from "./params";

export interface BuiltinDescriptor {
  tasks: readonly Task[];
  describe: string;
  lseBlocks?: boolean;
  taskHint?: Partial<Record<Task, string>>;
  paramCount(config: NetConfig, task: Task): number;
}

const NO_CLASSIFIER = { classifier: "the U-Nets' classifier is the ConvNet (their encoder); use convnet" };
const count = (arch: BuiltinArch) => (cfg: NetConfig, task: Task) => expectedParamCount(arch, task, cfg);

export const BUILTIN_ARCHS: Readonly<Record<BuiltinArch, BuiltinDescriptor>> = {
  convnet: {
    tasks: ["classifier"],
    describe: "L down-sampling blocks (kernel and stride m), one per grammar level: BP's upward pass",
    lseBlocks: true,
    taskHint: { denoiser: "the ConvNet has no per-leaf output; use unet" },
    paramCount: count("convnet"),
  },
  unet: {
    tasks: ["denoiser"],
    describe: "the ConvNet's encoder, an up-sampling decoder and long skips: BP's upward and downward passes",
    lseBlocks: true,
    taskHint: NO_CLASSIFIER,
    paramCount: count("unet"),
  },
  "unet-noskip": {
    tasks: ["denoiser"],
    describe: "unet without the skip connections (ablation)",
    taskHint: NO_CLASSIFIER,
    paramCount: count("unet-noskip"),
  },
  flat: {
    tasks: ["classifier", "denoiser"],
    describe: "local convolutions at full resolution, no down-sampling (ablation)",
    paramCount: count("flat"),
  },
  mlp: {
    tasks: ["classifier", "denoiser"],
    describe: "dense layers over the flattened leaves: no locality, no weight sharing (ablation)",
    paramCount: count("mlp"),
  },
};
