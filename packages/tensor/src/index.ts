export { tf, initBackend, backendInfo, wasmBinaryDir, silenceCpuNodeHint } from "./backend";
export type { BackendInfo, BackendName, BackendPreference } from "./backend";
export { CUSTOM_WASM_KERNELS, setCustomWasmKernels, useCustomWasmKernels } from "./kernels/register";
export { benchTrainStep, DEFAULT_BENCH, PYTORCH_CPU_STEPS_PER_SEC } from "./bench";
export type { BenchOptions, BenchResult, BenchRun } from "./bench";
export { buildBenchUNet, benchBatch, makeTrainStep, levelsOf } from "./bench_model";
export type { BenchUNetConfig } from "./bench_model";
