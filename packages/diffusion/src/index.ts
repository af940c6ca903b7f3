export { MASK, checkInput } from "./denoiser";
export type {
  Denoiser,
  DenoiserInput,
  ContinuousInput,
  DiscreteInput,
  DiffusionProcess,
  MaybePromise,
  VpDevice,
} from "./denoiser";
export { stateEvidence, argmaxLeaves, oneHot } from "./evidence";
export { bpDenoiser, bpJointDenoiser } from "./bpDenoiser";
export { ABAR_MIN, linearSchedule, cosineSchedule, makeSchedule } from "./schedules";
export type { NoiseSchedule, ScheduleConfig, ScheduleKind } from "./schedules";
export { qSampleVP, tweedieScore, epsFromX0 } from "./vp";
export { qSampleUniform, qSampleMask } from "./discrete";
export { BaseScheduler } from "./schedulers/scheduler";
export type {
  LinearScheduler,
  LinearStep,
  Scheduler,
  SchedulerConfig,
  SamplerName,
} from "./schedulers/scheduler";
export { DDPMScheduler } from "./schedulers/ddpm";
export { DDIMScheduler } from "./schedulers/ddim";
export { UniformScheduler } from "./schedulers/uniform";
export { MaskScheduler } from "./schedulers/mask";
export { generate, Sampling } from "./generate";
export type { GenerateOptions, GenerateResult, StepProgress } from "./generate";
export { sampleMetrics, totalVariation } from "./metrics";
export type { SampleMetrics, MetricsOptions } from "./metrics";
export { forwardBackward } from "./forwardBackward";
export type { ForwardBackwardOptions, ForwardBackwardRow } from "./forwardBackward";
