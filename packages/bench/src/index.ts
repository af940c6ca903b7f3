export {
  benchTrainConfig,
  benchTrainStep,
  DEFAULT_BENCH,
  DEFAULT_SHAPE_BENCH,
  levelsOf,
  PYTORCH_CPU_DEFAULT_SHAPE_STEPS_PER_SEC,
  PYTORCH_CPU_STEPS_PER_SEC,
  PYTORCH_ROUND_STEPS,
} from "./train";
export type { BenchOptions, BenchResult, BenchRun, BenchTrainConfig, PytorchRun } from "./train";
export { gemmFloor, stepProducts } from "./train_gemm_floor";
export type { GemmFloor, StepProduct } from "./train_gemm_floor";
export { modelGraph, PytorchStep, torchPython } from "./train_pytorch";
export type { GraphLayer, ModelGraph, PytorchOptions, PytorchSetting } from "./train_pytorch";
export { benchBP, PEER_BPRHM_SEQ_PER_SEC } from "./bp";
export { PeerBpRhm, peerDir, peerUnsupported } from "./bp_peer";
export type { PeerCheck } from "./bp_peer";
export type { BenchCase, BenchCaseName, BenchOptions as BenchBPOptions, BenchReport, PeerRate, PooledRate } from "./bp";
export { benchCompiledBP } from "./compiled";
export type * from "./compiled";
export { benchCompiledModels } from "./compiled_models";
export type * from "./compiled_models";
export { benchDiffusion, DEFAULT_BENCH_RHM } from "./diffusion";
export type { BenchDiffusionOptions, BenchDiffusionResult } from "./diffusion";
