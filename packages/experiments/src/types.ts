/**
 * What an experiment is: a typed config (one object holding every default, nanoGPT
 * style), the independent jobs it expands into (one per configuration of a sweep),
 * how one job runs, and how the merged rows become figures, a table and headline
 * numbers. Jobs are self-contained JSON, so any scheduler can run them.
 */
import type { z } from "zod";
import type { Figure } from "./report/render";
import type { Row } from "./report/charts";
import type { Verdict } from "./statistics/verdict";

export type { Row };
export type { Verdict };

/** Quick: the suite's few-minute preset; full: larger figures; tiny: seconds, for tests. */
export type Preset = "tiny" | "quick" | "full";
export const PRESETS: readonly Preset[] = ["tiny", "quick", "full"];

/** One configuration of a sweep; `params` is plain JSON. */
export interface JobSpec {
  id: string;
  params: Record<string, unknown>;
}

export interface JobProgress {
  /** Work done and total in the job's own unit (training steps, diffusion steps, levels). */
  done: number;
  total: number;
  note?: string;
}

export interface JobContext {
  /** The experiment's output directory (training runs go under runs/<job id>/). */
  dir: string;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export interface Summary {
  /** The report's table. */
  header: string[];
  rows: (string | number | null)[][];
  /** A few numbers for the console and the suite report. */
  headline: Record<string, number | string | null>;
  /** Sentences stating what was measured (not what the paper claims). */
  findings: string[];
  /** Each hypothesis the experiment tests, with its measured value, interval and verdict. */
  verdicts: Verdict[];
}

export interface Experiment<C = unknown> {
  name: string;
  title: string;
  /** What the experiment tests, in one or two sentences. */
  claim: string;
  schema: z.ZodType<C>;
  defaults(preset: Preset): C;
  jobs(config: C): JobSpec[];
  run(config: C, job: JobSpec, ctx: JobContext): Promise<Row[]>;
  /** Whether jobs use TensorFlow.js (the report then names the backend). */
  usesTensors: boolean;
  figures(config: C, rows: Row[]): Figure[];
  summarize(config: C, rows: Row[]): Summary;
}

/** An experiment with its config type erased, for the registry. */
export type AnyExperiment = Experiment<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
