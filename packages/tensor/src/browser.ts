/**
 * The browser entry (the `browser` and `default` conditions of the exports map): the same
 * API as the Node entry except the backend chooser, which picks webgl > wasm > cpu and
 * needs no Node module. Bundlers pick it by themselves.
 */
export { tf, initBackend, backendInfo, silenceCpuNodeHint } from "./backendBrowser";
export type { BrowserBackendOptions } from "./backendBrowser";
export * from "./shared";
export { heapShared, kernelThreads, kernelThreadStats, setKernelThreads } from "./kernelThreadsBrowser";
export { gemmFmaAvailable, setGemmFmaHere as setGemmFma } from "./kernels/gemm_fma";
