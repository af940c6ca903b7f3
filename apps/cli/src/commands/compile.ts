import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { type Evidence, noisyEvidence, type Grammar, grammarToJson, Rng, sample } from "@ghmkit/ghm";
import { META_JSON } from "@ghmkit/nets";
import type { Context } from "../program";
import { announceBackend, backendOption, useBackend } from "../backend";
import { UserError } from "../errors";
import { writeJsonAtomic } from "../io";
import { floatListArg, intArg } from "../options";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { compileModelOrUserError, measureCompiledModel, saveCompiledModel } from "../compiledModel";

/**
 * `ghm compile`: the BP-compiled network of a grammar (SPEC.md section 4), nets' own
 * U-Net / ConvNet with BP's weights (exact, or with --approx-width W the ReLU-approximated
 * activation lse-relu on a regular knot grid), saved as a model directory that carries
 * its grammar, and checked against exact BP on sampled noisy data.
 */
export function registerCompile(program: Command, ctx: Context): void {
  program
    .command("compile")
    .description(
      "compile a grammar into nets' U-Net (or ConvNet) with weights that compute exact BP, save it as a model directory, and measure it against exact BP",
    )
    .requiredOption("--grammar <file>", "ghm/v1 grammar (any kernel kind: product, rules, dense)")
    .addOption(
      new Option("--arch <arch>", "unet: leaf marginals; convnet: root posterior")
        .choices(["unet", "convnet"])
        .default("unet"),
    )
    .option(
      "--approx-width <W>",
      "replace exp and log by ReLU nets of W hidden units (the paper's approximation argument): the same U-Net/ConvNet with activation lse-relu, saved as a model directory (default: exact log-sum-exp)",
      intArg(1, 1_000_000),
    )
    // Removed: jittered knots existed only in the product-kernel tensor program, which wrote no model.
    .addOption(new Option("--approx-seed <n>").hideHelp())
    .option("-n, --n <count>", "test sequences per noise level", intArg(1, 100_000), 256)
    .option("--sigmas <list>", "gaussian noise levels to test at", floatListArg(1e-6, 1e6), [0.5, 1, 2])
    .option("--seed <n>", "data and noise seed", intArg(0), 0)
    .addOption(backendOption())
    .requiredOption(
      "--out <dir>",
      "the model directory (as ghm train saves, plus grammar.json, for ghm eval/diffuse/train --init compiled[:W]) and compiled.json (measured error)",
    )
    .action(async (o, cmd: Command) => {
      if (o.approxSeed !== undefined)
        throw new UserError(
          "--approx-seed was removed: ghm compile builds nets' U-Net/ConvNet, whose ReLU exp/log (--approx-width W) use a regular knot grid; drop --approx-seed (jittered knots remain in the library: compileBPUNet(g, { approx: { width, seed } }) in @ghmkit/nets, product kernels only)",
        );
      const g = loadGrammar(o.grammar);
      if (fs.existsSync(o.out) && !fs.statSync(o.out).isDirectory())
        throw new UserError(`--out ${o.out} is a file; give a directory`);
      if (fs.existsSync(o.out) && fs.readdirSync(o.out).length > 0 && !fs.existsSync(path.join(o.out, META_JSON)))
        throw new UserError(
          `--out ${o.out} is a non-empty directory that is not a model directory (no ${META_JSON}); give a new or empty directory, or a model directory to replace`,
        );
      const backend = await useBackend(o.backend);
      announceBackend(ctx.con, ctx.flags(cmd), backend);
      return compileModel(ctx, cmd, o, g, backend.name, o.approxWidth);
    });
}

interface ErrorRow {
  sigma: number;
  maxAbsError: number;
  meanAbsError: number;
  seqPerSec: number;
}

/**
 * The measurement ghm compile reports: at each --sigmas level, --n sequences from
 * the grammar seen through gaussian noise (one --seed stream for data and noise), and
 * the compiled network's error against float64 BP there, from `measure`.
 */
async function errorsByNoiseLevel(
  g: Grammar,
  // biome-ignore lint/suspicious/noExplicitAny: commander's parsed options
  o: any,
  measure: (ev: Evidence) => Promise<{ maxAbsError: number; meanAbsError: number; seconds: number }>,
): Promise<ErrorRow[]> {
  const S = g.vocab[g.depth];
  const rng = new Rng(o.seed);
  const rows: ErrorRow[] = [];
  for (const sigma of o.sigmas as number[]) {
    const data = sample(g, o.n, rng);
    const { evidence } = noisyEvidence(data.x, data.n, data.d, S, { kind: "gaussian", alpha: 1, sigma }, rng);
    const m = await measure(evidence);
    rows.push({ sigma, maxAbsError: m.maxAbsError, meanAbsError: m.meanAbsError, seqPerSec: data.n / m.seconds });
  }
  return rows;
}

/**
 * BP compiled into nets' own U-Net (--arch unet) or ConvNet (--arch convnet), any kernel
 * kind, exact (activation lse) or with --approx-width W ReLU-approximated (lse-relu):
 * --out becomes a model directory (model.json, weights.bin, ghm-model.json with the
 * grammar's fingerprint, grammar.json) plus compiled.json with the measured error against BP.
 */
async function compileModel(
  ctx: Context,
  cmd: Command,
  // biome-ignore lint/suspicious/noExplicitAny: commander's parsed options
  o: any,
  g: Grammar,
  backendName: string,
  approxWidth?: number,
): Promise<void> {
  const task = o.arch === "unet" ? "denoiser" : "classifier";
  const c = compileModelOrUserError(g, task, `--grammar ${o.grammar}`, approxWidth);
  const params = c.model.countParams();
  let rows: ErrorRow[];
  try {
    rows = await errorsByNoiseLevel(g, o, (evidence) => measureCompiledModel(c, g, evidence));
    await saveCompiledModel(c, g, o.grammar, o.out);
  } finally {
    c.model.dispose();
  }
  const file = path.join(o.out, "compiled.json");
  const result = {
    format: "ghm-compiled/v1",
    arch: o.arch,
    approx: approxWidth === undefined ? null : { width: approxWidth },
    activation: c.config.activation,
    model: o.out,
    width: c.config.width,
    tuplesPerLevel: c.tuples,
    params,
    backend: backendName,
    seed: o.seed,
    n: o.n,
    errors: rows,
    grammar: grammarToJson(g),
  };
  writeJsonAtomic(file, result);
  const { grammar: _g, ...summary } = result;
  void _g;
  report(ctx.con, ctx.flags(cmd), { ...summary, out: file }, () =>
    [
      `BP compiled into nets' ${o.arch} (activation ${approxWidth === undefined ? "lse" : `lse-relu: exp and log as ReLU nets of ${approxWidth} hidden units`}, width ${c.config.width}, ${params} parameters; tuples per level ${c.tuples.join(", ")}) on ${backendName}, vs float64 BP (${o.arch === "unet" ? "leaf marginals" : "root posterior"}):`,
      table(
        ["sigma", "max |error|", "mean |error|", "seq/s"],
        rows.map((r) => [r.sigma, fmt(r.maxAbsError), fmt(r.meanAbsError), fmt(r.seqPerSec)]),
      ),
      `wrote the model directory ${o.out} (it carries its grammar: ghm eval --model ${o.out}${o.arch === "unet" ? `, ghm diffuse --denoiser ${o.out}` : ""}, ghm train ${o.arch === "unet" ? "denoiser" : "classifier"} --grammar ${o.grammar} --init compiled${approxWidth === undefined ? "" : `:${approxWidth}`}) and ${file}`,
    ].join("\n"),
  );
}
