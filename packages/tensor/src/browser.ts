/**
 * The browser entry (the `browser` and `default` conditions of the exports map): the same
 * API as the Node entry except the backend chooser, which picks webgl > wasm > cpu and
 * needs no Node module. Bundlers pick it by themselves.
 */
export { tf, initBackend, backendInfo, silenceCpuNodeHint } from "./backendBrowser";
export type { BrowserBackendOptions } from "./backendBrowser";
export { BROWSER_BACKENDS, NODE_BACKENDS } from "./backendCore";
export type {
  BackendInfo,
  BackendName,
  BackendPreference,
  BrowserBackendName,
  BrowserBackendPreference,
  NodeBackendName,
} from "./backendCore";
export { CUSTOM_WASM_KERNELS, setCustomWasmKernels, useCustomWasmKernels } from "./kernels/register";
export { setHeapSimd } from "./kernels/heap_simd";
export { adam, FusedAdamOptimizer } from "./adam";
export { ADAM_UPDATE } from "./kernels/adam_update";
export type { AdamUpdateAttrs } from "./kernels/adam_update";
