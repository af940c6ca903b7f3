import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { isInputError } from "@ghmkit/ghm";
import { type Command, Option } from "commander";
import { backendInfo } from "@ghmkit/tensor";
import type { Context } from "../program";
import { UserError } from "../errors";
import { experimentRecovery, setRecovery } from "../envErrors";
import { acquireDirLock, withDirLock } from "@ghmkit/train";
import { intArg } from "../options";
import { fmt, type OutputFlags, report } from "../output";
import { progress } from "../progress";
import {
  type AnyExperiment,
  collect,
  type CollectResult,
  EXPERIMENTS,
  executePlan,
  executePlans,
  getExperiment,
  headlineLines,
  type Preset,
  PRESETS,
  resolveConfig,
  runJob,
  type RunOneSpec,
  runOneArgv,
  shellQuote,
  type SuiteEntry,
  validateConfig,
  writePlan,
  writeSuiteReport,
} from "@ghmkit/experiments";

/**
 * How other processes call this CLI: $GHM_CLI (space-separated words, e.g. the path
 * of `ghm` on cluster nodes) when set, else the built entry point when it exists.
 */
function cliInvocation(): string[] | undefined {
  const env = process.env.GHM_CLI?.trim();
  if (env) return env.split(/\s+/);
  const main = path.join(__dirname, "..", "main.js");
  return fs.existsSync(main) ? [process.execPath, main] : undefined;
}

interface RunFlags {
  preset: Preset;
  full?: boolean;
  config?: string;
  set: string[];
  out: string;
  jobs: number;
  plan?: boolean | string;
}

const collectSet = (v: string, prev: string[]) => [...prev, v];

function addRunOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--preset <name>",
        "sizes of the sweep: quick (minutes), full (larger figures), tiny (seconds, for tests)",
      )
        .choices(PRESETS as string[])
        .default("quick"),
    )
    .option("--full", "shorthand for --preset full")
    .option("--jobs <n>", "configurations run in parallel child processes (1 = in this process)", intArg(1, 256), 1)
    .requiredOption("--out <dir>", "experiment directory (created; a rerun resumes: finished jobs are kept)");
}

/** Aborts on Ctrl-C while `fn` runs; a second Ctrl-C exits the usual way. */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = (): void => {
    process.removeListener("SIGINT", onSigint);
    ac.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    return await fn(ac.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

async function runExperiment(
  ctx: Context,
  flags: OutputFlags,
  exp: AnyExperiment,
  config: unknown,
  preset: Preset,
  dir: string,
  jobs: number,
  signal: AbortSignal,
): Promise<{ result: CollectResult; wallS: number }> {
  // One writer per experiment directory, from the plan to the report (jobs take their own locks).
  setRecovery(experimentRecovery(dir));
  return withDirLock(dir, () => runExperimentLocked(ctx, flags, exp, config, preset, dir, jobs, signal));
}

async function runExperimentLocked(
  ctx: Context,
  flags: OutputFlags,
  exp: AnyExperiment,
  config: unknown,
  preset: Preset,
  dir: string,
  jobs: number,
  signal: AbortSignal,
): Promise<{ result: CollectResult; wallS: number }> {
  const t0 = Date.now();
  const plan = writePlan(exp, config, preset, dir);
  const bar = progress(ctx.con, flags, exp.name.padEnd(17), plan.jobs.length, { eta: false });
  try {
    await executePlan(plan, dir, {
      jobs,
      cli: cliInvocation(),
      signal,
      onProgress: (done, _total, info) => bar.update(done, info),
    });
  } finally {
    bar.stop();
  }
  const wallS = (Date.now() - t0) / 1000;
  return { result: await collect(dir, { wallS }), wallS };
}

function summaryJson(r: CollectResult, wallS: number) {
  return {
    experiment: r.experiment.name,
    dir: r.dir,
    report: r.report,
    wallS,
    jobs: r.plan.jobs.length,
    missing: r.missing,
    headline: r.summary.headline,
    figures: r.figures.map((f) => f.png),
  };
}

/** `--plan` / `--plan jsonl`: one JSON object per job; `--plan sh`: one shell command per line (for GNU parallel, Slurm arrays). */
function printPlan(
  ctx: Context,
  exp: AnyExperiment,
  config: unknown,
  preset: Preset,
  dir: string,
  format: string,
): void {
  if (format !== "jsonl" && format !== "sh")
    throw new UserError(`--plan ${format}: choose jsonl (JSON lines, the default) or sh (one shell command per line)`);
  const plan = writePlan(exp, config, preset, dir);
  for (const job of plan.jobs) {
    const argv = runOneArgv(cliInvocation() ?? ["ghm"], plan, job, dir);
    ctx.con.out(
      format === "sh"
        ? shellQuote(argv)
        : JSON.stringify({ experiment: exp.name, id: job.id, out: path.resolve(dir), argv, command: shellQuote(argv) }),
    );
  }
}

function registerOne(parent: Command, ctx: Context, exp: AnyExperiment): void {
  addRunOptions(
    parent
      .command(exp.name)
      .description(`${exp.title}. Tests: ${exp.claim}`)
      .option(
        "--config <file>",
        "JSON config (any subset of the fields printed by --print-config), merged over the preset (default: none)",
      )
      .option(
        "--set <path=value>",
        "override one field, e.g. --set train.steps=300 or --set 'P=[64,256]' (repeatable)",
        collectSet,
        [],
      )
      .option(
        "--plan [format]",
        "write the plan into --out and print one self-contained command per job without running: jsonl (default) or sh (one shell command per line, for GNU parallel or a Slurm array)",
      )
      .option("--print-config", "print the resolved config and exit"),
  ).action(async (o: RunFlags & { printConfig?: boolean }, cmd: Command) => {
    const flags = ctx.flags(cmd);
    const preset: Preset = o.full ? "full" : o.preset;
    const config = resolveConfig(exp, { preset, file: o.config, sets: o.set });
    if (o.printConfig) return void ctx.con.out(JSON.stringify(config, null, 2));
    if (o.plan) return printPlan(ctx, exp, config, preset, o.out, o.plan === true ? "jsonl" : o.plan);
    if (!flags.quiet && !flags.json)
      ctx.con.out(`${exp.name} (preset ${preset}) config:\n${JSON.stringify(config, null, 2)}`);
    const { result, wallS } = await withInterrupt((signal) =>
      runExperiment(ctx, flags, exp, config, preset, o.out, o.jobs, signal),
    );
    report(ctx.con, flags, summaryJson(result, wallS), () =>
      [
        `${exp.title}: ${fmt(wallS, 3)} s`,
        ...headlineLines(result).map((l) => `  ${l}`),
        `report: ${result.report}`,
      ].join("\n"),
    );
  });
}

function parseSpec(text: string): RunOneSpec {
  let raw = text;
  if (text.startsWith("@")) {
    try {
      raw = fs.readFileSync(text.slice(1), "utf8");
    } catch (err) {
      throw new UserError(`--spec ${text}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  let spec: Partial<RunOneSpec>;
  try {
    spec = JSON.parse(raw) as Partial<RunOneSpec>;
  } catch (err) {
    throw new UserError(`--spec: not valid JSON (${(err as Error).message})`);
  }
  if (typeof spec?.experiment !== "string") throw new UserError("--spec: missing field experiment");
  if (typeof spec.job?.id !== "string" || typeof spec.job.params !== "object" || spec.job.params === null)
    throw new UserError("--spec: job must be {id, params}");
  const exp = getExperiment(spec.experiment);
  validateConfig(exp, spec.config, "--spec config");
  if (
    !exp
      .jobs(spec.config)
      .some((j) => j.id === spec.job!.id && JSON.stringify(j.params) === JSON.stringify(spec.job!.params))
  ) {
    throw new UserError(`--spec: job ${spec.job.id} is not one of the jobs of this ${spec.experiment} config`);
  }
  return spec as RunOneSpec;
}

export function registerExperiment(program: Command, ctx: Context): void {
  const experiment = program
    .command("experiment")
    .description(
      "the paper's claims as experiments: results (JSONL, CSV), figures (SVG, PNG) and a Markdown report per experiment",
    );

  for (const exp of EXPERIMENTS) registerOne(experiment, ctx, exp);

  addRunOptions(
    experiment
      .command("suite")
      .description(
        "all experiments end to end (quick preset: a few minutes), then DIR/report.md with every figure and headline number",
      )
      .option("--only <names>", "comma-separated subset of experiments (default: all)"),
  ).action(async (o: RunFlags & { only?: string }, cmd: Command) => {
    const flags = ctx.flags(cmd);
    const preset: Preset = o.full ? "full" : o.preset;
    // --only picks a subset; the suite order stays (cheap exact-BP runs last, as listed).
    const only = o.only ? new Set(o.only.split(",").map((n) => getExperiment(n.trim()).name)) : null;
    const chosen = EXPERIMENTS.filter((e) => only === null || only.has(e.name));
    const t0 = Date.now();
    fs.mkdirSync(o.out, { recursive: true });
    const suiteLock = acquireDirLock(o.out);
    const entries: SuiteEntry[] = [];
    await withInterrupt(async (signal) => {
      const planned = chosen.map((exp) => {
        const dir = path.join(o.out, exp.name);
        // Each experiment directory stays locked from its plan to its report.
        const lock = acquireDirLock(dir);
        return { exp, dir, lock, plan: writePlan(exp, resolveConfig(exp, { preset }), preset, dir) };
      });
      try {
        setRecovery(experimentRecovery(o.out));
        const total = planned.reduce((a, p) => a + p.plan.jobs.length, 0);
        const bar = progress(ctx.con, flags, "suite", total, { eta: false });
        try {
          // One pool for every experiment's jobs, longest first (see executePlans).
          await executePlans(planned, {
            jobs: o.jobs,
            cli: cliInvocation(),
            signal,
            onProgress: (done, _t, info) => bar.update(done, info),
          });
        } finally {
          bar.stop();
        }
        for (const p of planned) {
          const result = await collect(p.dir);
          entries.push({ result, wallS: result.jobWallS });
        }
      } finally {
        for (const p of planned) p.lock.release();
      }
    });
    const wallS = (Date.now() - t0) / 1000;
    const b = backendInfo();
    const backend = b
      ? `tfjs ${b.tfBackend} (${b.name}${o.jobs > 1 ? ", in child processes" : ""})`
      : o.jobs > 1
        ? "see each experiment's report (child processes)"
        : "none used";
    const file = writeSuiteReport(o.out, preset, entries, wallS, backend);
    suiteLock.release();
    report(
      ctx.con,
      flags,
      { report: file, preset, wallS, backend, experiments: entries.map((e) => summaryJson(e.result, e.wallS)) },
      () =>
        [
          `suite (preset ${preset}) done in ${fmt(wallS, 3)} s; report: ${file}`,
          ...entries.flatMap((e) => [
            `${e.result.experiment.name} (${fmt(e.wallS, 3)} s of jobs):`,
            ...headlineLines(e.result).map((l) => `  ${l}`),
          ]),
        ].join("\n"),
    );
  });

  experiment
    .command("run-one")
    .description("run one job of a plan (the commands printed by --plan): writes OUT/jobs/<id>.json")
    .requiredOption("--spec <json>", "the job: {experiment, config, job: {id, params}} as JSON, or @file")
    .requiredOption("--out <dir>", "the experiment directory")
    .action(async (o: { spec: string; out: string }, cmd: Command) => {
      const spec = parseSpec(o.spec);
      setRecovery(experimentRecovery(o.out));
      const file = await withInterrupt((signal) => runJob(spec.experiment, spec.config, spec.job, o.out, { signal }));
      report(
        ctx.con,
        ctx.flags(cmd),
        { id: file.id, rows: file.rows.length, wallS: file.wallS, backend: file.backend },
        () => `${file.id}: ${file.rows.length} rows in ${fmt(file.wallS, 3)} s (${file.backend})`,
      );
    });

  experiment
    .command("worker")
    .description(
      "run jobs read from stdin, one JSON line {out, spec} at a time, answering one JSON line each (the process that --jobs N starts N of)",
    )
    .action(async () => {
      const lines = readline.createInterface({ input: process.stdin });
      for await (const line of lines) {
        if (line.trim() === "") continue;
        let id = "?";
        const t0 = Date.now();
        try {
          const msg = JSON.parse(line) as { out?: unknown; spec?: unknown };
          if (typeof msg.out !== "string") throw new UserError("worker: each line needs {out, spec}");
          const spec = parseSpec(JSON.stringify(msg.spec));
          id = spec.job.id;
          setRecovery(experimentRecovery(msg.out));
          await runJob(spec.experiment, spec.config, spec.job, msg.out, {});
          ctx.con.out(JSON.stringify({ id, ok: true, seconds: (Date.now() - t0) / 1000 }));
        } catch (err) {
          const user = isInputError(err);

          ctx.con.out(
            JSON.stringify({
              id,
              ok: false,
              code: user ? 2 : 1,
              error: err instanceof Error ? err.message : String(err),
              seconds: (Date.now() - t0) / 1000,
            }),
          );
        }
      }
    });

  experiment
    .command("collect")
    .description("merge the job results of an experiment directory into results, figures and report.md")
    .argument("<dir>", "experiment directory (holds plan.json)")
    .action(async (dir: string, _o, cmd: Command) => {
      setRecovery(experimentRecovery(dir));
      const r = await collect(dir);
      report(ctx.con, ctx.flags(cmd), summaryJson(r, r.jobWallS), () =>
        [
          `${r.experiment.title}: ${r.plan.jobs.length - r.missing.length}/${r.plan.jobs.length} jobs`,
          ...headlineLines(r).map((l) => `  ${l}`),
          `report: ${r.report}`,
        ].join("\n"),
      );
    });

  experiment
    .command("list")
    .description("the experiments and what each tests")
    .action((_o, cmd: Command) => {
      report(
        ctx.con,
        ctx.flags(cmd),
        EXPERIMENTS.map((e) => ({ name: e.name, title: e.title, claim: e.claim })),
        () => EXPERIMENTS.map((e) => `${e.name.padEnd(18)} ${e.title}`).join("\n"),
      );
    });
}
