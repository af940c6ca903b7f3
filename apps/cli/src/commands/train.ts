import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  acquireDirLock,
  type Arch,
  type EvalRecord,
  makeTrainConfig,
  readMetrics,
  resumeRun,
  type SetMetrics,
  type Task,
  type TrainConfig,
  type TrainConfigOverrides,
  type TrainProgress,
  type TrainResult,
  trainRun,
} from "@ghmkit/train";
import { ARCHS, validateArchTask } from "@ghmkit/nets";
import type { Context } from "../program";
import { announceBackend, backendOption, useBackend } from "../backend";
import { asUserInput, asUserInputAsync, UserError } from "../errors";
import { setRecovery, trainRecovery } from "../envErrors";
import { readJsonFile } from "../io";
import { floatArg, intArg } from "../options";
import { fmt, type OutputFlags, report, table } from "../output";
import { progress } from "../progress";
import { parseTrainConfigFile } from "../formats/trainConfig";
import type { Console } from "../output";

/** Flags that shape a run: [option key, flag, its value in a saved config]. With --resume each must match the saved run. */
const RESUME_FIXED: [string, string, (c: TrainConfig) => unknown][] = [
  ["arch", "--arch", (c) => c.arch],
  ["grammar", "--grammar", (c) => (c.grammar.kind === "file" ? c.grammar.path : "(built-in RHM)")],
  ["trainSize", "--train-size", (c) => c.data.trainSize],
  ["testSize", "--test-size", (c) => c.data.testSize],
  ["batch", "--batch", (c) => c.batchSize],
  ["width", "--width", (c) => c.net.width],
  ["lr", "--lr", (c) => c.optimizer.lr],
  ["evalEvery", "--eval-every", (c) => c.evalEvery],
  ["targetGap", "--target-gap", (c) => c.earlyStop.targetGap],
  ["seedData", "--seed-data", (c) => c.seeds.data],
  ["seedInit", "--seed-init", (c) => c.seeds.init],
  ["seedNoise", "--seed-noise", (c) => c.seeds.noise],
  [
    "init",
    "--init",
    (c) =>
      c.net.init === "compiled" && c.net.initApproxWidth !== undefined
        ? `compiled:${c.net.initApproxWidth}`
        : (c.net.init ?? "random"),
  ],
  ["initNoise", "--init-noise", (c) => c.net.initNoise ?? 0],
  ["initMask", "--no-init-mask", (c) => c.net.initMask ?? true],
];

/** "(default: X)" or "(default: X for classifier, Y for denoiser)", from the library's own defaults; --config overrides them. */
function defaultText(get: (c: TrainConfig) => unknown): string {
  const cls = get(makeTrainConfig("classifier", "convnet", {}));
  const den = get(makeTrainConfig("denoiser", "unet", {}));
  return String(cls) === String(den) ? `(default: ${cls})` : `(default: ${cls} for classifier, ${den} for denoiser)`;
}

export function registerTrain(program: Command, ctx: Context): void {
  program
    .command("train")
    .description("train a classifier or denoiser on GHM data, evaluated against the Bayes optimum (exact BP)")
    .argument("<task>", "classifier | denoiser")
    .option(
      "--arch <arch>",
      `architecture: ${ARCHS.join(", ")}, or one a --plugin registers (default: convnet for classifier, unet for denoiser)`,
    )
    .option("--grammar <file>", "ghm/v1 grammar JSON (default: the built-in RHM S=8 C=8 k=2 m=2 L=3)")
    .option(
      "--config <file>",
      "JSON with any TrainConfig fields to override (see packages/train/README.md); flags override it (default: none)",
    )
    .option(
      "--train-size <P>",
      `fixed training samples P; 0 = fresh samples every step ${defaultText((c) => c.data.trainSize)}`,
      intArg(0),
    )
    .option("--test-size <n>", `held-out test samples ${defaultText((c) => c.data.testSize)}`, intArg(1))
    .option("--steps <n>", `maximum optimisation steps ${defaultText((c) => c.maxSteps)}`, intArg(1))
    .option("--batch <n>", `batch size ${defaultText((c) => c.batchSize)}`, intArg(1, 65536))
    .option("--width <W>", `channels of every hidden layer ${defaultText((c) => c.net.width)}`, intArg(1, 65536))
    .option(
      "--lr <x>",
      `peak Adam learning rate ${defaultText((c) => c.optimizer.lr)}`,
      floatArg(0, 10, { exclusiveMin: true }),
    )
    .option(
      "--eval-every <n>",
      `evaluate every n steps (0 = once per epoch) ${defaultText((c) => c.evalEvery)}`,
      intArg(0),
    )
    .option(
      "--target-gap <g>",
      "stop once the gap to Bayes is at most g (default: none, train all --steps)",
      floatArg(0),
    )
    .option("--seed-data <n>", `data seed ${defaultText((c) => c.seeds.data)}`, intArg(0))
    .option("--seed-init <n>", `weight-initialisation seed ${defaultText((c) => c.seeds.init)}`, intArg(0))
    .option("--seed-noise <n>", `noise seed ${defaultText((c) => c.seeds.noise)}`, intArg(0))
    .option(
      "--init <how>",
      "starting weights: random (seeded initialisers) | compiled (the grammar's exact-BP weights in this U-Net / ConvNet, as ghm compile writes; width from BP; evaluated at step 0) | compiled:W (the same, ReLU-approximated: exp and log as ReLU nets of W hidden units, activation lse-relu, as ghm compile --approx-width W writes) (default: random)",
      initArg,
    )
    .option(
      "--init-noise <sigma>",
      "with --init compiled: add Gaussian noise of this standard deviation to the weights that train (default: 0)",
      floatArg(0, 1e6),
    )
    .option(
      "--no-init-mask",
      "with --init compiled: train every weight, also the compiled network's exact zeros (default: they stay 0)",
    )
    .option(
      "--threads <n>",
      "threads of a training step: n, or auto (on wasm and cpu as many cores as the step is big enough for; small nets are faster on 1); each holds a replica of the network and computes a share of the batch (losses equal one thread's up to float32 rounding) (default: 1; may change on --resume)",
      threadsArg,
    )
    .addOption(backendOption())
    .requiredOption("--out <dir>", "run directory (config.json, metrics.jsonl, checkpoints/, result.json)")
    .option("--resume", "continue the run in --out from its latest checkpoint")
    .action(async (taskArg: string, o, cmd: Command) => {
      const flags = ctx.flags(cmd);
      if (taskArg !== "classifier" && taskArg !== "denoiser")
        throw new UserError(`task must be classifier or denoiser, got "${taskArg}"`);
      const task = taskArg as Task;
      // Settle the configuration first: a mistake in it is reported before any backend work.
      const fresh = o.resume ? null : buildConfig(task, o);
      const backend = await useBackend(o.backend);
      announceBackend(ctx.con, flags, backend);
      setRecovery(trainRecovery(task, o.out, o.backend));
      const run = (opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> => {
        if (o.resume) {
          if (!fs.existsSync(o.out))
            throw new UserError(`--resume: ${o.out} does not exist; start the run without --resume`);
          const savedFile = path.join(o.out, "config.json");
          if (!fs.existsSync(savedFile))
            throw new UserError(
              `--resume: ${o.out} holds no training run (no config.json); start a new run without --resume, in an empty or new --out`,
            );
          // The run continues with its saved config: a flag that says otherwise would be silently ignored.
          const saved = readJsonFile(savedFile, "--resume") as TrainConfig;
          const given = (key: string): boolean => o[key] !== undefined && !(key === "initMask" && o[key] === true); // --no-init-mask's default is true
          const changed = RESUME_FIXED.filter(([key, , get]) => given(key) && get(saved) !== o[key]).map(
            ([key, flag, get]) => `${flag} ${o[key]} (the run has ${get(saved)})`,
          );
          if (o.config) changed.push("--config (a resumed run keeps its config.json)");
          if (changed.length)
            throw new UserError(
              `--resume continues with ${savedFile}; only --steps may change, but ${changed.join(", ")}: drop those flags or start a new run in another --out`,
            );
          // Run-directory problems (latest.json or a checkpoint unreadable, config mismatch) are InputErrors.
          return asUserInputAsync(`--resume ${o.out}`, () =>
            resumeRun(o.out, { ...opts, maxSteps: o.steps, threads: o.threads }),
          );
        }
        acquireDirLock(o.out).release(); // another ghm writing --out is named (exit 2); a stale lock is cleared
        if (fs.existsSync(o.out) && fs.readdirSync(o.out).length > 0) {
          throw new UserError(
            `--out ${o.out} is not empty: pass --resume to continue that run, or choose a new directory`,
          );
        }
        return trainRun(fresh!, { ...opts, outDir: o.out });
      };
      const ran = await withProgressAndInterrupt(ctx.con, flags, run);
      // The library's message names its own resumeRun(); a CLI user needs the command to type.
      const resumeCommand = [
        "ghm",
        "train",
        task,
        "--out",
        o.out,
        "--resume",
        ...(o.backend ? ["--backend", o.backend] : []),
      ]
        .map(shellQuote)
        .join(" ");
      const aborted =
        ran.status === "aborted"
          ? {
              ...ran,
              message: `aborted at step ${ran.step}; checkpoint ${ran.checkpoint ?? "(none yet)"}. Resume with: ${resumeCommand}`,
              resumeCommand,
            }
          : ran;
      // --init compiled: where training started (metrics.jsonl's step-0 line), beside where it ended.
      const start = readMetrics<EvalRecord>(path.join(o.out, "metrics.jsonl")).find((m) => m.step === 0) ?? null;
      const result = start ? { ...aborted, start } : aborted;
      report(ctx.con, flags, result, () => describeResult(result));
      if (result.status === "diverged") throw new UserError(result.message);
    });
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellQuote(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}

function buildConfig(task: Task, o: Record<string, any>): TrainConfig {
  const arch = (o.arch ?? (task === "classifier" ? "convnet" : "unet")) as Arch;
  let overrides: TrainConfigOverrides = {};
  if (o.config) {
    overrides = parseTrainConfigFile(readJsonFile(o.config, "--config"), `--config ${o.config}`);
  }
  const merged: TrainConfigOverrides = { ...overrides };
  if (o.grammar) merged.grammar = { kind: "file", path: o.grammar };
  const set = <K extends keyof TrainConfigOverrides>(key: K, patch: Record<string, unknown>): void => {
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(clean).length) merged[key] = { ...(merged[key] as object), ...clean } as TrainConfigOverrides[K];
  };
  set("data", { trainSize: o.trainSize, testSize: o.testSize });
  const init: string | undefined = o.init;
  const initW = init === undefined ? undefined : /^compiled:(\d+)$/.exec(init);
  if (
    ((initW ? "compiled" : init) ?? overrides.net?.init) !== "compiled" &&
    (o.initNoise !== undefined || o.initMask === false)
  ) {
    throw new UserError(
      `${o.initNoise !== undefined ? "--init-noise" : "--no-init-mask"} applies to --init compiled only: add --init compiled or drop it`,
    );
  }
  const initMask = o.initMask === false ? false : undefined;
  set("net", {
    width: o.width,
    init: initW ? "compiled" : init,
    initApproxWidth: initW ? Number(initW[1]) : undefined,
    initNoise: o.initNoise,
    initMask,
  });
  set("optimizer", { lr: o.lr });
  set("seeds", { data: o.seedData, init: o.seedInit, noise: o.seedNoise });
  if (o.targetGap !== undefined) set("earlyStop", { targetGap: o.targetGap });
  if (o.steps !== undefined) merged.maxSteps = o.steps;
  if (o.batch !== undefined) merged.batchSize = o.batch;
  if (o.evalEvery !== undefined) merged.evalEvery = o.evalEvery;
  if (o.threads !== undefined) merged.threads = o.threads;
  if (o.grammar && !fs.existsSync(o.grammar)) throw new UserError(`--grammar ${o.grammar}: no such file`);
  const what = o.config ? `--config ${o.config}` : "training configuration";
  // The registry (built-ins and --plugin's) decides which names exist, listing them when one does not.
  asUserInput("--arch", () => validateArchTask(arch, task));
  const cfg = asUserInput(what, () => makeTrainConfig(task, arch, merged));
  // The compiled network's width is the one BP needs; a --width would be silently ignored.
  if (cfg.net.init === "compiled" && o.width !== undefined)
    throw new UserError(
      `--width does not apply with --init compiled: the compiled ${arch} has the width BP needs (ghm compile --grammar G --arch ${arch === "convnet" ? "convnet" : "unet"} reports it); drop --width`,
    );
  return cfg;
}

/** --threads: a thread count or auto. */
function threadsArg(v: string): number | "auto" {
  return v === "auto" ? "auto" : intArg(1, 256)(v);
}

/** --init: random | compiled | compiled:W (W: hidden units of the ReLU exp/log nets). */
function initArg(v: string): string {
  if (v === "random" || v === "compiled") return v;
  const w = /^compiled:(\d+)$/.exec(v);
  if (w && Number(w[1]) >= 1 && Number(w[1]) <= 1 << 20) return `compiled:${Number(w[1])}`;
  throw new InvalidArgumentError(
    `expected random, compiled or compiled:W (W an integer in [1, ${1 << 20}]), got "${v}"`,
  );
}

/**
 * Runs a long job with a progress bar (TTY only) and turns Ctrl-C into a clean
 * stop: the trainer finishes its step, writes a checkpoint and says how to resume.
 */
async function withProgressAndInterrupt(
  con: Console,
  flags: OutputFlags,
  run: (o: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }) => Promise<TrainResult>,
): Promise<TrainResult> {
  const controller = new AbortController();
  const onSigint = (): void => {
    con.err("\ninterrupted: finishing this step and writing a checkpoint (Ctrl-C again to kill)");
    controller.abort();
    process.removeListener("SIGINT", onSigint);
  };
  process.on("SIGINT", onSigint);
  let bar: ReturnType<typeof progress> | null = null;
  try {
    return await run({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 0) {
          // The starting weights' evaluation (--init compiled), before any step.
          if (p.eval && !flags.quiet && !flags.json) con.err(`step 0 (starting weights): ${startLine(p.eval)}`);
          return;
        }
        bar ??= progress(con, flags, "train", p.maxSteps);
        const info: Record<string, string | number> = { loss: p.loss };
        if (p.lastEval) info.gap = p.lastEval.gap;
        bar.update(p.step, info);
      },
    });
  } finally {
    (bar as ReturnType<typeof progress> | null)?.stop();
    process.removeListener("SIGINT", onSigint);
  }
}

/** One line for an evaluation: MSE / Bayes (denoiser) or accuracy against Bayes (classifier), population set. */
function startLine(e: EvalRecord): string {
  return e.accuracy !== undefined
    ? `accuracy ${fmt(e.accuracy)} (Bayes ${fmt(e.bayesAccuracy ?? NaN)}), cross-entropy ${fmt(e.crossEntropy)} (Bayes ${fmt(e.bayesCrossEntropy)})`
    : `MSE / Bayes ${fmt(e.ratio ?? NaN)} (MSE ${fmt(e.mse ?? NaN)}, Bayes ${fmt(e.bayesMse ?? NaN)})`;
}

function describeResult(r: TrainResult & { start?: EvalRecord }): string {
  const e = r.lastEval;
  const lines = [`${r.status}: ${r.message}`];
  if (r.start) lines.push(`step 0 (starting weights, population set): ${startLine(r.start)}`);
  if (e) {
    // Population: fresh draws from the grammar (some may be training sequences: overlap); unseen: none is.
    const sets: [string, SetMetrics | null][] = [
      [`population (overlap ${fmt(e.overlap)})`, e],
      [`unseen (${e.unseenCount} of ${e.unseenRequested})`, e.unseen],
    ];
    const present = sets.filter((s): s is [string, SetMetrics] => s[1] !== null);
    if (e.accuracy !== undefined) {
      lines.push(
        table(
          [
            `step ${e.step}`,
            "accuracy (per sequence)",
            "Bayes accuracy",
            "cross-entropy (nats per sequence)",
            "Bayes CE",
          ],
          present.map(([name, m]) => [
            name,
            fmt(m.accuracy ?? NaN),
            fmt(m.bayesAccuracy ?? NaN),
            fmt(m.crossEntropy),
            fmt(m.bayesCrossEntropy),
          ]),
        ),
      );
    } else {
      lines.push(
        table(
          [`step ${e.step}`, "MSE (per leaf, mixed noise levels)", "Bayes MSE", "MSE / Bayes"],
          present.map(([name, m]) => [name, fmt(m.mse ?? NaN), fmt(m.bayesMse ?? NaN), fmt(m.ratio ?? NaN)]),
        ),
      );
      if (e.levels?.length) {
        const rows = present.flatMap(([name, m]) =>
          (m.levels ?? []).map((l) => [name.split(" ")[0], l.abar, fmt(l.mse), fmt(l.bayesMse), fmt(l.ratio)]),
        );
        lines.push(table(["set", "abar", "MSE (per leaf)", "Bayes MSE", "ratio"], rows));
      }
    }
    if (e.unseen === null) lines.push("unseen: none");
    if (e.unseenNote) lines.push(`note: ${e.unseenNote}`);
  }
  // The run's own training rate: drawing batches and stepping, evaluations and checkpoints excluded.
  if (r.stepsPerSecond !== null && r.stepsPerSecond !== undefined)
    lines.push(
      `training: ${fmt(r.stepsPerSecond)} steps/s (this process's steps; evaluation and checkpoints excluded)`,
    );
  lines.push(`run directory: ${r.outDir}`);
  return lines.join("\n");
}
