/**
 * The platform-neutral entry (the `browser` and `default` conditions of the exports map):
 * everything except saving and loading model directories on disk, so a browser bundle
 * pulls in no Node built-in. src/index.ts (the `node` condition) adds src/node.ts to it.
 */
export * from "./config";
export { LayerFactory } from "./blocks";
export { buildConvNet, encode } from "./convnet";
export { buildUNet } from "./unet";
export type { UNetOptions } from "./unet";
export { buildFlat } from "./flat";
export { buildMLP } from "./mlp";
export { archParamCount, buildModel, countParams } from "./model";
export {
  architectureNames,
  findArchitecture,
  getArchitecture,
  registerArchitecture,
  registeringFrom,
  unregisterArchitecture,
} from "./registry";
export type { Architecture, RegisteredArchitecture } from "./registry";
export { expectedParamCount, MAX_PARAMS } from "./params";
export { clippedEvidence, evidenceToNetInput, netInputArray } from "./evidence_input";
export type { NetInputOptions } from "./evidence_input";
export { MODEL_JSON, WEIGHTS_BIN, MAX_MODEL_JSON_BYTES, unsafeWeightsPath } from "./modelFiles";
export {
  checkModelMeta,
  modelMetaJson,
  parseModelMeta,
  META_JSON,
  MODEL_GRAMMAR_JSON,
  META_FORMAT,
  MAX_META_JSON_BYTES,
} from "./modelMeta";
export type { ModelMeta } from "./modelMeta";
export type { LoadedModel } from "./save";
export { compileBPConvNet, compileBPUNet } from "./compiled/compile";
export { compileBPModel, compiledWidth, kernelTuples, COMPILE_INPUT_CLIP, MAX_TUPLES } from "./compiled/bp_model";
export type { CompiledBPModel, CompileBPModelOptions, Tuple } from "./compiled/bp_model";
export { registerNetActivations, registerReluActivations, APPROX_RANGE, LOG_FLOOR } from "./activations";
export type {
  CompiledBPConvNet,
  CompiledBPUNet,
  CompiledBPConvNetOptions,
  CompiledBPUNetOptions,
} from "./compiled/compile";
export type { ApproxOptions, CompiledBPOptions } from "./compiled/product_bp";
export { fitScalarReLU, evalScalarReLU } from "./compiled/scalar_relu";
export type { ScalarReLUNet, FitOptions } from "./compiled/scalar_relu";
export { denoiserShape, netDenoiser, predictLeaves } from "./netDenoiser";
export type { NetDenoiser, NetDenoiserInput, NetDenoiserOptions, NetDenoiserProcess } from "./netDenoiser";
export { netVpDevice } from "./netVpDevice";
export type { NetLinearStep, NetVpDevice } from "./netVpDevice";
export { softmaxRows } from "./softmax";
