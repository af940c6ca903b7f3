/** The layout of an experiment directory and its JSON files. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ExperimentError } from "./errors";
import type { JobSpec, Preset, Row } from "./types";

export const PLAN_FORMAT = "ghm-experiment-plan/v1";
export const JOB_FORMAT = "ghm-experiment-job/v1";

/** plan.json: everything needed to run and report an experiment. */
export interface PlanFile {
  format: typeof PLAN_FORMAT;
  experiment: string;
  preset: Preset;
  config: unknown;
  jobs: JobSpec[];
}

/** jobs/<id>.json: one finished job. */
export interface JobFile {
  format: typeof JOB_FORMAT;
  experiment: string;
  id: string;
  params: Record<string, unknown>;
  rows: Row[];
  wallS: number;
  /** TensorFlow.js backend the job ran on, or "none" for exact-BP jobs. */
  backend: string;
  finishedAt: string;
}

export const paths = {
  plan: (dir: string) => path.join(dir, "plan.json"),
  config: (dir: string) => path.join(dir, "config.json"),
  jobs: (dir: string) => path.join(dir, "jobs"),
  job: (dir: string, id: string) => path.join(dir, "jobs", `${id}.json`),
  jsonl: (dir: string) => path.join(dir, "results.jsonl"),
  csv: (dir: string) => path.join(dir, "results.csv"),
  summary: (dir: string) => path.join(dir, "summary.json"),
  figures: (dir: string) => path.join(dir, "figures"),
  report: (dir: string) => path.join(dir, "report.md"),
};

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ExperimentError(`${what} ${file}: no such file`);
    throw new ExperimentError(`${what} ${file}: unreadable (${(err as Error).message})`);
  }
}

export function readPlan(dir: string): PlanFile {
  const p = readJson(paths.plan(dir), "plan") as Partial<PlanFile>;
  if (p?.format !== PLAN_FORMAT || typeof p.experiment !== "string" || !Array.isArray(p.jobs)) {
    throw new ExperimentError(
      `${paths.plan(dir)}: not a ${PLAN_FORMAT} file; is ${dir} an experiment directory (made by ghm experiment NAME --out DIR or --plan)?`,
    );
  }
  return p as PlanFile;
}

/** The job file if it exists and belongs to this job (same experiment and params), else null. */
export function readJobIfDone(dir: string, job: JobSpec, experiment: string): JobFile | null {
  const file = paths.job(dir, job.id);
  if (!fs.existsSync(file)) return null;
  const j = readJson(file, "job result") as Partial<JobFile>;
  if (
    j?.format !== JOB_FORMAT ||
    j.experiment !== experiment ||
    JSON.stringify(j.params) !== JSON.stringify(job.params) ||
    !Array.isArray(j.rows)
  )
    return null;
  return j as JobFile;
}

/** Job ids become file names: keep them to a safe alphabet. */
export function checkJobIds(jobs: JobSpec[]): void {
  const seen = new Set<string>();
  for (const j of jobs) {
    if (!/^[A-Za-z0-9._=-]+$/.test(j.id)) throw new Error(`job id "${j.id}" has characters unsafe in file names`);
    if (seen.has(j.id)) throw new Error(`duplicate job id "${j.id}"`);
    seen.add(j.id);
  }
}
