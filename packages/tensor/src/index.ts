// The Node entry (the `node` condition): node-gpu > node > wasm > cpu. src/browser.ts is the browser one.
export { tf, initBackend, backendInfo, wasmBinaryDir, silenceCpuNodeHint } from "./backend";
export * from "./shared";
export { kernelThreads, kernelThreadStats, setKernelThreads } from "./gemm_threads";
export { gemmFmaAvailable, setGemmFma } from "./gemm_fma_node";
export { heapShared } from "./shared_heap";
