/**
 * The built-in architectures, registered through the same registry as a user's own
 * (registry.ts). Their parameter counts come from params.ts, so sizes that cannot fit
 * are refused before any weight is allocated.
 */
import type { BuiltinArch, Task } from "./config";
import { buildConvNet } from "./convnet";
import { buildFlat } from "./flat";
import { buildMLP } from "./mlp";
import { expectedParamCount } from "./params";
import { type Architecture, registerArchitecture } from "./registry";
import { buildUNet } from "./unet";

const NO_CLASSIFIER = { classifier: "the U-Nets' classifier is the ConvNet (their encoder); use convnet" };

const BUILTINS: Record<BuiltinArch, Omit<Architecture, "paramCount">> = {
  convnet: {
    tasks: ["classifier"],
    build: (cfg) => buildConvNet(cfg),
    describe: "L down-sampling blocks (kernel and stride m), one per grammar level: BP's upward pass",
    lseBlocks: true,
    taskHint: { denoiser: "the ConvNet has no per-leaf output; use unet" },
  },
  unet: {
    tasks: ["denoiser"],
    build: (cfg) => buildUNet(cfg, { skips: true }),
    describe: "the ConvNet's encoder, an up-sampling decoder and long skips: BP's upward and downward passes",
    lseBlocks: true,
    taskHint: NO_CLASSIFIER,
  },
  "unet-noskip": {
    tasks: ["denoiser"],
    build: (cfg) => buildUNet(cfg, { skips: false }),
    describe: "unet without the skip connections (ablation)",
    taskHint: NO_CLASSIFIER,
  },
  flat: {
    tasks: ["classifier", "denoiser"],
    build: (cfg, task) => buildFlat(cfg, task),
    describe: "local convolutions at full resolution, no down-sampling (ablation)",
  },
  mlp: {
    tasks: ["classifier", "denoiser"],
    build: (cfg, task) => buildMLP(cfg, task),
    describe: "dense layers over the flattened leaves: no locality, no weight sharing (ablation)",
  },
};

for (const [name, arch] of Object.entries(BUILTINS) as [BuiltinArch, Architecture][]) {
  registerArchitecture(name, {
    ...arch,
    paramCount: (cfg: Parameters<typeof expectedParamCount>[2], task: Task) => expectedParamCount(name, task, cfg),
  });
}
