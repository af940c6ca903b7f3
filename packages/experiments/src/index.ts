/**
 * @ghmkit/experiments: each claim of the paper as an experiment. An experiment is a
 * typed (zod) config with presets, the jobs it expands into (one per configuration
 * and seed), how one job runs, and how the merged rows become statistics with
 * intervals, verdicts, figures and a Markdown report. Plan, run and collect are
 * separate steps over files, so jobs can run anywhere.
 */
export { EXPERIMENTS, getExperiment } from "./registry";
export type { AnyExperiment, Experiment, JobContext, JobProgress, JobSpec, Preset, Row, Summary } from "./types";
export { PRESETS } from "./types";
export { formatZodError, mergeDeep, parseSet, resolveConfig, validateConfig } from "./config";
export type { ConfigSources } from "./config";
export { collect, executePlan, executePlans, jobCost, runJob, runOneArgv, shellQuote, writePlan } from "./runner";
export type { CollectResult, ExecuteOptions, RunOneSpec } from "./runner";
export { JOB_FORMAT, PLAN_FORMAT, paths, readJobIfDone, readPlan } from "./files";
export type { JobFile, PlanFile } from "./files";
export { headlineLines, writeSuiteReport } from "./suite";
export type { SuiteEntry } from "./suite";
export { renderFigures, renderSpecs } from "./report/render";
export type { Figure, RenderedFigure, VegaLiteSpec } from "./report/render";
export { ExperimentError } from "./errors";
export { DEFAULT_RHM } from "./defaults";
export { fmt } from "./format";
