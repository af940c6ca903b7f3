// The API both entries share (index.ts for Node, browser.ts for bundlers); they differ only
// in the backend chooser they add.
export { BROWSER_BACKENDS, NODE_BACKENDS } from "./backendCore";
export type {
  BackendInfo,
  BackendName,
  BackendPreference,
  BrowserBackendName,
  BrowserBackendPreference,
  NodeBackendName,
} from "./backendCore";
export {
  CUSTOM_WASM_KERNELS,
  denseKernelsActive,
  setCustomWasmKernels,
  useCustomWasmKernels,
} from "./kernels/register";
export { denseGradInputOp, denseGradOp, denseOp } from "./kernels/dense";
export type { DenseAttrs } from "./kernels/dense";
export { setHeapSimd } from "./kernels/heap_simd";
export { gemmFma } from "./kernels/gemm_fma";
export { adam, FusedAdamOptimizer } from "./adam";
export { ADAM_UPDATE } from "./kernels/adam_update";
export type { AdamUpdateAttrs } from "./kernels/adam_update";
