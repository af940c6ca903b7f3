/**
 * Plan, run and collect an experiment directory:
 *   plan    writes plan.json and config.json (the resolved config, every seed);
 *   run     executes the jobs whose results are missing, in this process or in a
 *           pool of `ghm experiment run-one` child processes;
 *   collect merges jobs/*.json into results.jsonl/csv, renders the figures and
 *           writes report.md and summary.json.
 * Each step only reads files the previous one wrote, so they can run on different
 * machines (see README.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo } from "@ghmkit/tensor";
import { acquireDirLock } from "@ghmkit/train";
import { ExperimentError } from "./errors";
import { writeFileAtomic, writeJsonAtomic } from "./io";
import { renderFigures, type RenderedFigure, systemFontsPresent } from "./report/render";
import { writeReport } from "./report/experimentReport";
import {
  checkJobIds,
  JOB_FORMAT,
  type JobFile,
  PLAN_FORMAT,
  type PlanFile,
  paths,
  readJobIfDone,
  readPlan,
} from "./files";
import { runWorkerPool } from "./workerPool";
import { getExperiment } from "./registry";
import { toCsv, toJsonl } from "./tables";
import type { AnyExperiment, JobContext, JobSpec, Preset, Row, Summary } from "./types";
import { validateConfig } from "./config";

/** Writes plan.json and config.json; refuses a directory planned with another config. */
export function writePlan(exp: AnyExperiment, config: unknown, preset: Preset, dir: string): PlanFile {
  const jobs = exp.jobs(config);
  checkJobIds(jobs);
  const lock = acquireDirLock(dir);
  try {
    return writePlanLocked(exp, config, preset, dir, jobs);
  } finally {
    lock.release();
  }
}

function writePlanLocked(exp: AnyExperiment, config: unknown, preset: Preset, dir: string, jobs: JobSpec[]): PlanFile {
  const plan: PlanFile = { format: PLAN_FORMAT, experiment: exp.name, preset, config, jobs };
  fs.mkdirSync(paths.jobs(dir), { recursive: true });
  if (fs.existsSync(paths.plan(dir))) {
    const old = readPlan(dir);
    if (old.experiment !== exp.name || JSON.stringify(old.config) !== JSON.stringify(config)) {
      throw new ExperimentError(
        `--out ${dir} already holds a ${old.experiment} experiment with another configuration; choose another --out (or delete ${dir})`,
      );
    }
  }
  writeJsonAtomic(paths.plan(dir), plan);
  // config.json is exactly a --config file: rerunning with it reproduces the plan.
  writeFileAtomic(paths.config(dir), `${JSON.stringify(config, null, 2)}\n`);
  return plan;
}

/** The tensor backend a job ran on; exact-BP jobs run in float64 without tensors. */
function backendName(exp: AnyExperiment): string {
  const b = exp.usesTensors ? backendInfo() : null;
  return b ? `tfjs ${b.tfBackend}` : "none (exact BP, float64)";
}

/** The lock of one job: jobs/<id>.lock (one writer per job, whichever process or machine runs it). */
export function lockJob(dir: string, id: string) {
  return acquireDirLock(paths.jobs(dir), undefined, `${id}.lock`);
}

/**
 * Runs one job in this process and writes jobs/<id>.json, once: under the job's lock
 * (a second attempt running at the same time is refused with DirLockedError), and a
 * job whose result already exists is not run again (its file is returned), so retried
 * jobs and `collect` are idempotent.
 */
export async function runJob(
  experiment: string,
  config: unknown,
  job: JobSpec,
  dir: string,
  ctx: Omit<JobContext, "dir"> = {},
): Promise<JobFile> {
  const exp = getExperiment(experiment);
  const cfg = validateConfig(exp, config, `${experiment} config`);
  fs.mkdirSync(paths.jobs(dir), { recursive: true });
  const lock = lockJob(dir, job.id);
  try {
    const done = readJobIfDone(dir, job, experiment);
    if (done !== null) return done;
    return await runJobLocked(exp, experiment, cfg, job, dir, ctx);
  } finally {
    lock.release();
  }
}

async function runJobLocked(
  exp: AnyExperiment,
  experiment: string,
  cfg: unknown,
  job: JobSpec,
  dir: string,
  ctx: Omit<JobContext, "dir">,
): Promise<JobFile> {
  const t0 = Date.now();
  const rows = await exp.run(cfg, job, { ...ctx, dir });
  const file: JobFile = {
    format: JOB_FORMAT,
    experiment,
    id: job.id,
    params: job.params,
    rows,
    wallS: (Date.now() - t0) / 1000,
    backend: backendName(exp),
    finishedAt: new Date().toISOString(),
  };
  writeJsonAtomic(paths.job(dir, job.id), file);
  return file;
}

/** The self-contained spec of `ghm experiment run-one`. */
export interface RunOneSpec {
  experiment: string;
  config: unknown;
  job: JobSpec;
}

/**
 * The argv of `ghm --quiet experiment run-one` for one job; `cli` is how to call the
 * command from another process (e.g. [node, main.js], or ["ghm"] on PATH).
 */
export function runOneArgv(cli: string[], plan: PlanFile, job: JobSpec, dir: string): string[] {
  const spec: RunOneSpec = { experiment: plan.experiment, config: plan.config, job };
  return [...cli, "--quiet", "experiment", "run-one", "--out", path.resolve(dir), "--spec", JSON.stringify(spec)];
}

export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export interface ExecuteOptions {
  /** Parallel child processes; 1 runs every job in this process. */
  jobs: number;
  /** How to start the `ghm` command in a child process (needed when jobs > 1). */
  cli?: string[];
  signal?: AbortSignal;
  /** Jobs finished / total, with the running job and its own progress. */
  onProgress?: (done: number, total: number, info: Record<string, string | number>) => void;
}

/** Runs the plan's missing jobs. Returns how many ran and how many were already done. */
export async function executePlan(
  plan: PlanFile,
  dir: string,
  o: ExecuteOptions,
): Promise<{ ran: number; skipped: number }> {
  const lock = acquireDirLock(dir);
  try {
    return await executePlanLocked(plan, dir, o);
  } finally {
    lock.release();
  }
}

async function executePlanLocked(
  plan: PlanFile,
  dir: string,
  o: ExecuteOptions,
): Promise<{ ran: number; skipped: number }> {
  const todo = plan.jobs.filter((j) => readJobIfDone(dir, j, plan.experiment) === null);
  const skipped = plan.jobs.length - todo.length;
  let done = skipped;
  const total = plan.jobs.length;
  o.onProgress?.(done, total, {});
  if (o.jobs <= 1 || todo.length <= 1) {
    for (const job of todo) {
      if (o.signal?.aborted)
        throw new ExperimentError(`interrupted; run the same command again to resume (${done}/${total} jobs done)`);
      await runJob(plan.experiment, plan.config, job, dir, {
        signal: o.signal,
        onProgress: (p) => o.onProgress?.(done, total, { job: job.id, step: `${p.done}/${p.total}` }),
      });
      done++;
      o.onProgress?.(done, total, { job: job.id });
    }
    return { ran: todo.length, skipped };
  }
  await runInWorkers(
    todo.map((job) => ({ plan, dir, job })),
    o,
    (id) => o.onProgress?.(++done, total, { job: id }),
  );
  return { ran: todo.length, skipped };
}

/**
 * A job's expected cost, for ordering a pool longest first: training jobs by steps x
 * batch x width (what a step costs, times the steps), anything else as 1. Only the
 * order matters, so a rough proxy suffices.
 */
export function jobCost(config: unknown, job: JobSpec): number {
  const t = (config as { train?: { steps?: unknown; batchSize?: unknown; width?: unknown } } | null)?.train;
  const P = job.params.P;
  if (
    !t ||
    typeof P !== "number" ||
    typeof t.steps !== "number" ||
    typeof t.batchSize !== "number" ||
    typeof t.width !== "number"
  )
    return 1;
  return t.steps * Math.min(t.batchSize, P) * t.width;
}

/**
 * Runs the missing jobs of several plans (a suite) in ONE pool of child processes,
 * longest first, so one experiment's long jobs overlap the others' short ones instead
 * of leaving a core idle at the end of each experiment. Each directory is locked
 * throughout; with jobs <= 1 the plans run one after another in this process.
 */
export async function executePlans(items: { plan: PlanFile; dir: string }[], o: ExecuteOptions): Promise<void> {
  if (o.jobs <= 1) {
    for (const it of items) await executePlan(it.plan, it.dir, o);
    return;
  }
  const locks = items.map((it) => acquireDirLock(it.dir));
  try {
    const todo = items.flatMap((it) =>
      it.plan.jobs.filter((j) => readJobIfDone(it.dir, j, it.plan.experiment) === null).map((job) => ({ ...it, job })),
    );
    const total = items.reduce((a, it) => a + it.plan.jobs.length, 0);
    let done = total - todo.length;
    o.onProgress?.(done, total, {});
    await runInWorkers(todo, o, (id) => o.onProgress?.(++done, total, { job: id }));
  } finally {
    for (const l of locks) l.release();
  }
}

/** Runs jobs in `o.jobs` worker processes, longest first; throws naming the first failure (finished jobs are kept). */
async function runInWorkers(
  todo: { plan: PlanFile; dir: string; job: JobSpec }[],
  o: ExecuteOptions,
  onJobDone: (id: string) => void,
): Promise<void> {
  if (!o.cli)
    throw new ExperimentError(
      `--jobs ${o.jobs} runs child processes of the built CLI; build it first (pnpm build) or use --jobs 1`,
    );
  const ordered = todo.map((t) => ({ ...t, cost: jobCost(t.plan.config, t.job) })).sort((a, b) => b.cost - a.cost);
  const outcomes = await runWorkerPool(
    ordered.map((t) => ({
      id: `${t.plan.experiment}/${t.job.id}`,
      out: path.resolve(t.dir),
      spec: { experiment: t.plan.experiment, config: t.plan.config, job: t.job },
    })),
    { jobs: o.jobs, cli: o.cli, signal: o.signal, onDone: (out) => onJobDone(out.id) },
  );
  if (o.signal?.aborted)
    throw new ExperimentError(`interrupted; run the same command again to resume (finished jobs are kept)`);
  const failed = outcomes.filter((r) => r.code !== 0);
  if (failed.length > 0) {
    const first = failed[0];
    const why = first.stderr.trim().split("\n").slice(-3).join(" / ") || `exit ${first.code ?? first.signal}`;
    throw new ExperimentError(
      `${failed.length} of ${todo.length} jobs failed (first: ${first.id}: ${why}); fix the cause and run the same command again: finished jobs are kept`,
    );
  }
}

export interface CollectResult {
  dir: string;
  experiment: AnyExperiment;
  plan: PlanFile;
  rows: Row[];
  missing: string[];
  summary: Summary;
  figures: RenderedFigure[];
  report: string;
  jobWallS: number;
}

/** Merges the job results of `dir` and writes results, figures, summary.json and report.md. */
export async function collect(dir: string, options: { wallS?: number } = {}): Promise<CollectResult> {
  readPlan(dir); // a directory that is no experiment is refused before anything is created in it
  const lock = acquireDirLock(dir);
  try {
    return await collectLocked(dir, options);
  } finally {
    lock.release();
  }
}

async function collectLocked(dir: string, options: { wallS?: number }): Promise<CollectResult> {
  const plan = readPlan(dir);
  const exp = getExperiment(plan.experiment);
  const config = validateConfig(exp, plan.config, `${paths.plan(dir)} config`);
  const files: JobFile[] = [];
  const missing: string[] = [];
  for (const job of plan.jobs) {
    const f = readJobIfDone(dir, job, plan.experiment);
    if (f === null) missing.push(job.id);
    else files.push(f);
  }
  if (files.length === 0)
    throw new ExperimentError(
      `${dir}: no job has finished yet (${plan.jobs.length} planned); run them first (see ghm experiment ${plan.experiment} --plan)`,
    );
  const rows = files.flatMap((f) => f.rows.map((r) => ({ job: f.id, ...r })));
  writeFileAtomic(paths.jsonl(dir), toJsonl(rows));
  writeFileAtomic(paths.csv(dir), toCsv(rows));
  const summary = exp.summarize(config, rows);
  const figures = await renderFigures(exp.figures(config, rows), paths.figures(dir));
  const jobWallS = files.reduce((a, f) => a + f.wallS, 0);
  writeJsonAtomic(paths.summary(dir), {
    experiment: exp.name,
    preset: plan.preset,
    headline: summary.headline,
    verdicts: summary.verdicts,
    missing,
    jobWallS,
    wallS: options.wallS ?? null,
  });
  const report = writeReport({
    dir,
    exp,
    plan,
    files,
    missing,
    summary,
    figures,
    wallS: options.wallS,
    fonts: systemFontsPresent(),
  });
  return { dir, experiment: exp, plan, rows, missing, summary, figures, report, jobWallS };
}
