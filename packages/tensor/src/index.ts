export { tf, initBackend, backendInfo, wasmBinaryDir, silenceCpuNodeHint } from "./backend";
export type { BackendInfo, BackendName, BackendPreference } from "./backend";
export { CUSTOM_WASM_KERNELS, setCustomWasmKernels, useCustomWasmKernels } from "./kernels/register";
export { adam, FusedAdamOptimizer } from "./adam";
export { ADAM_UPDATE } from "./kernels/adam_update";
export type { AdamUpdateAttrs } from "./kernels/adam_update";
