export { defaultTrainConfig, makeTrainConfig } from "./config";
export type {
  AbarSampling,
  Arch,
  DiffusionSpec,
  GaussianNoise,
  GrammarSpec,
  LrSchedule,
  NoiseSpec,
  Task,
  TrainConfig,
  TrainConfigOverrides,
} from "./config";
export { validateTrainConfig, MAX_DIFFUSION_STEPS, MAX_SAMPLES } from "./validate";
export { checkWith, trainConfigSchema, trainConfigOverridesSchema } from "./configSchema";
export {
  DEFAULT_DIFFUSION,
  describeDiffusion,
  diffusionNoise,
  readDiffusionSpec,
  samplerLevels,
  scheduleT,
} from "./diffusionSpec";
export { BatchStream, labeledSet, makeStreams, makeTestData, observe } from "./data";
export type { Batch, BatchStreamState, LabeledSet, Streams, TestData } from "./data";
export { bayesClassifier, bayesDenoiser, bayesLeafPosterior, bayesPosterior } from "./bayes";
export { classifierMetrics, denoiserMetrics, rowMse, softmaxRows } from "./metrics";
export type { ClassifierMetrics, DenoiserMetrics } from "./metrics";
export { learningRate } from "./lrSchedule";
export { ScheduledAdam } from "./adam";
export type { AdamState } from "./adam";
export { checkpointName, isLogSpacedStep, latestCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
export type { Checkpoint, LoopState } from "./checkpoint";
export { appendMetrics, readMetrics, truncateMetrics } from "./metricsLog";
export { disposeTest, evaluate, evaluatePopulation, predictLogits, prepareTest } from "./evaluate";
export type {
  HeldOutMetrics,
  LevelMetrics,
  PopulationMetrics,
  PreparedHeldOut,
  PreparedSet,
  PreparedSets,
  PreparedTest,
  SetMetrics,
  TestMetrics,
  UnseenMetrics,
} from "./evaluate";
export {
  SequenceSet,
  TestRowWatcher,
  UNSEEN_DRAW_FACTOR,
  drawUnseen,
  fixedHeldOut,
  membership,
  onlineHeldOut,
  onlineNote,
  sequenceKeyer,
  shortfallNote,
  supportSize,
} from "./heldOut";
export type { HeldOutData, SequenceKey, UnseenDraw } from "./heldOut";
export { loadGrammar, openTrainingState, runPaths, trainingSetJson } from "./setup";
export type { StepState, TrainingState } from "./setup";
export { AUTO_MIN_WORK_PER_THREAD, resolveThreads } from "./stepPool";
export { PREFETCH_DEPTH, PREFETCH_START_COST_MS, resolvePrefetch } from "./prefetch";
export { abarSampler, scheduleLevels } from "./noiseLevel";
export type { AbarSampler } from "./noiseLevel";
export { evalInterval, resumeRun, trainRun, trainStep } from "./trainer";
export { batchGrads, graphPlan, graphStepGrads, graphStepReady, setGraphStep } from "./graphStep";
export type { BatchGrads, GraphNode, GraphPlan } from "./graphStep";
export type { EvalRecord, StopReason, TrainProgress, TrainResult, TrainRunOptions } from "./trainer";
export { loadUNetDenoiser } from "./unetDenoiser";
export type { LoadedDenoiser } from "./unetDenoiser";
export {
  acquireDirLock,
  describeHolder,
  DirLockedError,
  LOCK_FILE,
  LOCK_FORMAT,
  setTakeoverReporter,
  staleReason,
  takeoverMessage,
  withDirLock,
} from "./dirLock";
export type { DirLock, LockHolder } from "./dirLock";
