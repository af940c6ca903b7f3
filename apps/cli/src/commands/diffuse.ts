import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import {
  bpDenoiser,
  bpJointDenoiser,
  type Denoiser,
  type DiffusionProcess,
  forwardBackward,
  generate,
  sampleMetrics,
} from "@ghmkit/diffusion";
import { type Grammar, isInputError, leafCount } from "@ghmkit/ghm";
import type { Context } from "../program";
import { asUserInput, UserError } from "../errors";
import { readJsonFile, writeJsonOut } from "../io";
import { floatListArg, intArg } from "../options";
import { fmt, reportAfterWrite, table } from "../output";
import { progress } from "../progress";
import { loadGrammar } from "../grammarFile";
import { parseDataFile } from "../formats/data";
import { loadNetDenoiser } from "../netDenoiser";
import { announceBackend } from "../backend";
import { backendInfo } from "@ghmkit/tensor";
import { grammarForModel, mismatchLine } from "../modelGrammar";
import { type DiffusionSpec, describeDiffusion, readDiffusionSpec, scheduleT } from "@ghmkit/train";

export function registerDiffuse(program: Command, ctx: Context): void {
  program
    .command("diffuse")
    .description("generate sequences by diffusion with the exact BP denoiser or a trained U-Net, and measure them")
    .option(
      "--grammar <file>",
      "ghm/v1 grammar JSON (default with --denoiser RUN_DIR: the run's grammar.json; refused when it is not the denoiser's grammar)",
    )
    .option(
      "--allow-grammar-mismatch",
      "use --grammar even when it is not the grammar the --denoiser model was trained on (recorded as grammarMismatch)",
    )
    .option(
      "--denoiser <bp|bp-joint|DIR>",
      "bp (exact marginals), bp-joint (exact posterior draws) or a model directory from `ghm train denoiser`",
      "bp",
    )
    .addOption(new Option("--process <p>", "noise process").choices(["vp", "uniform", "mask"]).default("vp"))
    .addOption(
      new Option(
        "--sampler <s>",
        "vp reverse step (default: the one a trained denoiser was trained for, else ddpm)",
      ).choices(["ddpm", "ddim"]),
    )
    .addOption(
      new Option(
        "--schedule <s>",
        "noise schedule (default: the one a trained denoiser was trained for, else linear)",
      ).choices(["linear", "cosine"]),
    )
    .addOption(
      new Option(
        "--x0 <how>",
        "how a step gets x_0: per-leaf marginals, or an exact joint draw (bp-joint only; default there)",
      ).choices(["marginal", "joint"]),
    )
    .option(
      "--steps <n>",
      "reverse steps (default: the number a trained denoiser was trained for, else 200)",
      intArg(1, 100_000),
    )
    .option("-n, --n <count>", "samples", intArg(1, 10_000_000), 1000)
    .option("--seed <n>", "sampling seed", intArg(0), 0)
    .option(
      "--train <file|RUN_DIR>",
      "training data (ghm-data/v1) or a training run with a fixed set (its train.json), to measure the copy fraction (default: none, no copy fraction)",
    )
    .option(
      "--backend <name>",
      "TensorFlow.js backend for a network denoiser: node-gpu|node|wasm|cpu (default: GHM_BACKEND, else auto = node-gpu > node > wasm > cpu)",
    )
    .option("--out <file>", "write the samples and metrics as JSON, - for stdout (default: none)")
    .action(async (o, cmd: Command) => {
      const flags = ctx.flags(cmd);
      if (!o.grammar && isBp(o.denoiser))
        throw new UserError(
          `--grammar is required with --denoiser ${o.denoiser} (only a trained denoiser's run directory holds its grammar)`,
        );
      const chosen = isBp(o.denoiser)
        ? null
        : grammarForModel({
            grammar: o.grammar,
            model: o.denoiser,
            modelFlag: "--denoiser",
            allowMismatch: o.allowGrammarMismatch,
            warn: (l) => flags.quiet || ctx.con.err(l),
          });
      const g = chosen ? chosen.g : loadGrammar(o.grammar);
      const grammarFile: string = chosen ? chosen.file : o.grammar;
      const grammarMismatch = chosen?.grammarMismatch ? { grammarMismatch: chosen.grammarMismatch } : {};
      const trainFile = o.train ? trainDataFile(o.train) : undefined;
      const train = trainFile
        ? parseDataFile(readJsonFile(trainFile, "--train"), g, `--train ${trainFile}`)
        : undefined;
      if (o.sampler && o.process !== "vp")
        throw new UserError(
          `--sampler ${o.sampler} applies to --process vp only; the ${o.process} process has one reverse step`,
        );
      const denoiser = await makeDenoiser(g, o.denoiser, o.backend);
      const tfBackend = backendInfo();
      if (!isBp(o.denoiser) && tfBackend) announceBackend(ctx.con, flags, tfBackend);
      if (o.x0 === "joint" && !denoiser.sampleJoint)
        throw new UserError(
          `--x0 joint needs a denoiser that draws exact joint samples (--denoiser bp-joint), not ${o.denoiser}`,
        );
      const x0: "marginal" | "joint" = o.x0 ?? (denoiser.sampleJoint ? "joint" : "marginal");
      const plan = samplingPlan(o, isBp(o.denoiser) ? null : savedDiffusion(o.denoiser));
      const bar = progress(ctx.con, flags, "diffuse", plan.steps);
      const t0 = Date.now();
      // Sizes the library refuses (n * d above 2^28 output symbols, batch * d * S per call) are user errors.
      const result = await generate({
        grammar: g,
        denoiser,
        process: o.process as DiffusionProcess,
        ...(o.process === "vp" ? { sampler: plan.sampler } : {}),
        x0,
        steps: plan.steps,
        n: o.n,
        seed: o.seed,
        schedule: { kind: plan.schedule, T: scheduleT(plan.steps) },
        onStep: (p) => bar.update(Math.round((p.done / p.total) * plan.steps), { t: p.t }),
      }).catch((e: unknown) => {
        throw isInputError(e) && e.field === "n" ? new UserError(`-n ${o.n}: ${e.detail}`, "-n", e.hint) : e;
      });

      bar.stop();
      const seconds = (Date.now() - t0) / 1000;
      const metrics = sampleMetrics(g, result.x, result.n, train ? { train: train.x, trainN: train.n } : {});
      const d = leafCount(g);
      if (o.out) {
        const x = Array.from({ length: result.n }, (_, b) => Array.from(result.x.subarray(b * d, (b + 1) * d)));
        writeJsonOut(ctx.con, o.out, {
          format: "ghm-samples/v1",
          config: { ...result.config, seed: o.seed, grammar: grammarFile },
          ...grammarMismatch,
          metrics,
          x,
        });
      }
      const summary = {
        ...metrics,
        seconds,
        samplesPerSecond: result.n / seconds,
        config: result.config,
        trainedFor: plan.trainedFor,
        matchesTraining: plan.matchesTraining,
        ...grammarMismatch,
      };
      reportAfterWrite(ctx.con, flags, o.out, summary, () =>
        [
          `${result.n} samples, ${o.process} process, ${result.config.denoiser} denoiser, ${plan.schedule} schedule, ${plan.steps}${o.process === "vp" ? ` ${plan.sampler}` : ""} steps, ${fmt(seconds, 3)} s`,
          plan.note,
          mismatchLine(chosen?.grammarMismatch),
          table(
            [
              "valid / all samples",
              "class TV to prior (valid samples)",
              "mean log p(x) (valid samples)",
              "distinct / all samples",
              "training copies / all samples",
            ],
            [
              [
                fmt(metrics.validity),
                metrics.classTV === null ? "-" : fmt(metrics.classTV),
                metrics.meanLogLikelihood === null ? "-" : fmt(metrics.meanLogLikelihood),
                fmt(metrics.diversity),
                metrics.copyFraction === null ? "-" : fmt(metrics.copyFraction),
              ],
            ],
          ),
          `validity per level, over all samples (root..leaves): ${metrics.validityPerLevel.map((v) => fmt(v)).join("  ")}`,
          o.out && o.out !== "-" ? `wrote ${o.out}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });

  program
    .command("forward-backward")
    .description(
      "noise real samples to each level, denoise back by an exact BP posterior draw, measure what survives per level",
    )
    .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
    .addOption(new Option("--process <p>", "noise process").choices(["vp", "uniform", "mask"]).default("vp"))
    .option(
      "--abars <list>",
      "signal levels abar in (0, 1], comma-separated (default: --points levels)",
      floatListArg(0, 1),
    )
    .option("--points <n>", "without --abars: this many levels evenly spaced in log(SNR)", intArg(2, 1000), 12)
    .option("-n, --n <count>", "real samples per level", intArg(1, 10_000_000), 500)
    .option("--seed <n>", "seed", intArg(0), 0)
    .option("--out <file>", "write the rows as JSON, - for stdout (default: none)")
    .action((o, cmd: Command) => {
      const g = loadGrammar(o.grammar);
      const abars: number[] = o.abars ?? defaultAbars(o.points);
      if (abars.some((a) => a <= 0))
        throw new UserError("--abars: every level must be > 0 (abar = 0 is pure noise; use a small value like 1e-4)");
      const rows = asUserInput(`-n ${o.n}`, () =>
        forwardBackward({ grammar: g, process: o.process, abars, n: o.n, seed: o.seed }),
      );
      if (o.out)
        writeJsonOut(ctx.con, o.out, {
          format: "ghm-forward-backward/v1",
          process: o.process,
          n: o.n,
          seed: o.seed,
          rows,
        });
      reportAfterWrite(ctx.con, ctx.flags(cmd), o.out, rows, () =>
        table(
          ["abar", "class kept", ...Array.from({ length: g.depth }, (_, l) => `level ${l + 1} kept`)],
          rows.map((r) => [fmt(r.abar), fmt(r.classAgreement), ...r.levelAgreement.slice(1).map((v) => fmt(v))]),
        ),
      );
    });
}

/** Levels from nearly clean to nearly pure noise, evenly spaced in log SNR = log(abar / (1 - abar)). */
function defaultAbars(points: number): number[] {
  const lo = -8;
  const hi = 8;
  return Array.from({ length: points }, (_, i) => 1 / (1 + Math.exp(-(hi - ((hi - lo) * i) / (points - 1)))));
}

/** A data file, or a training run directory's train.json (written when it trained on a fixed set). */
function trainDataFile(arg: string): string {
  if (!fs.existsSync(arg) || !fs.statSync(arg).isDirectory()) return arg;
  const file = path.join(arg, "train.json");
  if (!fs.existsSync(file))
    throw new UserError(
      `--train ${arg}: the directory has no train.json; only runs with a fixed training set (data.trainSize > 0) write one`,
    );
  return file;
}

async function makeDenoiser(g: Grammar, spec: string, backend?: string): Promise<Denoiser> {
  if (spec === "bp") return bpDenoiser(g);
  if (spec === "bp-joint") return bpJointDenoiser(g);
  return loadNetDenoiser(g, spec, backend);
}

const isBp = (spec: string): boolean => spec === "bp" || spec === "bp-joint";

function savedDiffusion(dir: string): DiffusionSpec | null {
  try {
    return readDiffusionSpec(dir);
  } catch (e) {
    throw new UserError(`--denoiser ${dir}: cannot read its saved diffusion settings: ${(e as Error).message}`);
  }
}

interface SamplingPlan {
  schedule: "linear" | "cosine";
  steps: number;
  sampler: "ddpm" | "ddim";
  /** The sampler saved with a trained denoiser (config.diffusion of its run), or null. */
  trainedFor: DiffusionSpec | null;
  /** Whether the sampling matches trainedFor (null without one). */
  matchesTraining: boolean | null;
  /** A line for the human output when a flag overrides what the denoiser was trained for. */
  note: string;
}

/**
 * Schedule, steps and sampler: each flag given wins; otherwise the sampler the
 * denoiser was trained for (its run's config.diffusion); otherwise linear, 200, ddpm.
 */
function samplingPlan(
  o: { schedule?: string; steps?: number; sampler?: string; process: string },
  trainedFor: DiffusionSpec | null,
): SamplingPlan {
  const saved = o.process === "vp" ? trainedFor : null; // a net is trained for vp only; it refuses other processes itself
  const plan = {
    schedule: (o.schedule ?? saved?.schedule ?? "linear") as "linear" | "cosine",
    steps: (o.steps ?? saved?.steps ?? 200) as number,
    sampler: (o.sampler ?? saved?.sampler ?? "ddpm") as "ddpm" | "ddim",
  };
  if (trainedFor === null) return { ...plan, trainedFor: null, matchesTraining: null, note: "" };
  const used: DiffusionSpec = { process: o.process as "vp", ...plan };
  const differs = (["process", "schedule", "steps", "sampler"] as const).filter((k) => used[k] !== trainedFor[k]);
  const note = differs.length
    ? `note: the denoiser was trained for ${describeDiffusion(trainedFor)}; sampling with ${describeDiffusion(used)} (${differs.join(", ")} set by flags)`
    : `sampling as the denoiser was trained: ${describeDiffusion(used)}`;
  return { ...plan, trainedFor, matchesTraining: differs.length === 0, note };
}
