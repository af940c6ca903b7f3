/**
 * The builders of the built-in architectures, attached to their registry entries
 * (registry.ts registers what they are from builtinArchs.ts). Imported by model.ts, so
 * anything that builds a model has them.
 */
import { buildConvNet } from "./convnet";
import { buildFlat } from "./flat";
import { buildMLP } from "./mlp";
import { setBuiltinBuilders } from "./registry";
import { buildUNet } from "./unet";

setBuiltinBuilders({
  convnet: (cfg) => buildConvNet(cfg),
  unet: (cfg) => buildUNet(cfg, { skips: true }),
  "unet-noskip": (cfg) => buildUNet(cfg, { skips: false }),
  flat: (cfg, task) => buildFlat(cfg, task),
  mlp: (cfg, task) => buildMLP(cfg, task),
});
