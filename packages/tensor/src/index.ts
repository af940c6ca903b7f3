// The Node entry (the `node` condition): node-gpu > node > wasm > cpu. src/browser.ts is the browser one.
export { tf, initBackend, backendInfo, wasmBinaryDir, silenceCpuNodeHint } from "./backend";
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
