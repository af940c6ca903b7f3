import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { runBP } from "@ghmkit/bp";
import { type Evidence, noisyEvidence, type Grammar, grammarToJson, Rng, sample } from "@ghmkit/ghm";
import { compileBPConvNet, compileBPUNet } from "@ghmkit/nets";
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
 * activation lse-relu), saved as a model directory and checked against exact BP on sampled
 * noisy data. --approx-seed (jittered ReLU knots) measures the product-kernel tensor
 * program compileBPUNet instead and writes compiled.json only.
 */
export function registerCompile(program: Command, ctx: Context): void {
  program
    .command("compile")
    .description(
      "compile a grammar into nets' U-Net (or ConvNet) with weights that compute exact BP, save it as a model directory, and measure it against exact BP",
    )
    .requiredOption("--grammar <file>", "ghm/v1 grammar (any kernel kind; product kernels only with --approx-seed)")
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
    .option(
      "--approx-seed <n>",
      "seed jittering the ReLU knots (--approx-width only; product kernels; measured with the tensor program compileBPUNet, writes compiled.json only, no model directory; default: a regular knot grid in the model)",
      intArg(0),
    )
    .option("-n, --n <count>", "test sequences per noise level", intArg(1, 100_000), 256)
    .option("--sigmas <list>", "gaussian noise levels to test at", floatListArg(1e-6, 1e6), [0.5, 1, 2])
    .option("--seed <n>", "data and noise seed", intArg(0), 0)
    .addOption(backendOption())
    .requiredOption(
      "--out <dir>",
      "the model directory (as ghm train saves, for ghm eval/diffuse/train --init compiled[:W]) plus compiled.json (measured error); with --approx-seed: compiled.json only",
    )
    .action(async (o, cmd: Command) => {
      const g = loadGrammar(o.grammar);
      const nonProduct = g.levels.findIndex((k) => k.kind !== "product");
      if (o.approxSeed !== undefined && !o.approxWidth)
        throw new UserError("--approx-seed applies with --approx-width only");
      if (nonProduct >= 0 && o.approxSeed !== undefined)
        throw new UserError(
          `--grammar ${o.grammar}: level ${nonProduct + 1} is "${g.levels[nonProduct].kind}"; --approx-seed (jittered ReLU knots, the product-kernel tensor program) compiles product kernels only; drop --approx-seed for the ReLU model directory (any kernel kind)`,
        );
      if (fs.existsSync(o.out) && !fs.statSync(o.out).isDirectory())
        throw new UserError(`--out ${o.out} is a file; give a directory`);
      const backend = await useBackend(o.backend);
      announceBackend(ctx.con, ctx.flags(cmd), backend);
      if (o.approxSeed === undefined) return compileExactModel(ctx, cmd, o, g, backend.name, o.approxWidth);
      const approx = { width: o.approxWidth as number, seed: o.approxSeed as number };
      const net = o.arch === "unet" ? compileBPUNet(g, { approx }) : compileBPConvNet(g, { output: "prob", approx });
      let rows: ErrorRow[];
      try {
        rows = await errorsByNoiseLevel(g, o, async (evidence) => {
          const exact = runBP(g, evidence, { downward: o.arch === "unet" });
          const want = o.arch === "unet" ? exact.marginals![g.depth] : exact.root;
          const t0 = process.hrtime.bigint();
          const out = net.predict(evidence);
          const got = await out.data();
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          out.dispose();
          let maxErr = 0;
          let sum = 0;
          for (let i = 0; i < want.length; i++) {
            const e = Math.abs(got[i] - want[i]);
            sum += e;
            if (e > maxErr) maxErr = e;
          }
          return { maxAbsError: maxErr, meanAbsError: sum / want.length, seconds };
        });
      } finally {
        net.dispose();
      }
      fs.mkdirSync(o.out, { recursive: true });
      const file = path.join(o.out, "compiled.json");
      const result = {
        format: "ghm-compiled/v1",
        arch: o.arch,
        approx: approx ?? null,
        backend: backend.name,
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
          `BP-compiled ${o.arch} (ReLU exp/log of width ${approx.width}, knots jittered by seed ${approx.seed}; tensor program) on ${backend.name}, vs float64 BP (${o.arch === "unet" ? "leaf marginals" : "root posterior"}):`,
          table(
            ["sigma", "max |error|", "mean |error|", "seq/s"],
            rows.map((r) => [r.sigma, fmt(r.maxAbsError), fmt(r.meanAbsError), fmt(r.seqPerSec)]),
          ),
          `wrote ${file}`,
        ].join("\n"),
      );
    });
}

interface ErrorRow {
  sigma: number;
  maxAbsError: number;
  meanAbsError: number;
  seqPerSec: number;
}

/**
 * The measurement both compile paths report: at each --sigmas level, --n sequences from
 * the grammar seen through gaussian noise (one --seed stream for data and noise), and
 * the compiled network's error against float64 BP there, from `measure`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function errorsByNoiseLevel(
  g: Grammar,
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
 * kind, exact (activation lse) or with --approx-width W ReLU-approximated (lse-relu): --out becomes a model directory (model.json, weights.bin, ghm-model.json
 * with the grammar's fingerprint) plus compiled.json with the measured error against BP.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function compileExactModel(
  ctx: Context,
  cmd: Command,
  o: any,
  g: Grammar,
  backendName: string,
  approxWidth?: number,
): Promise<void> {
  const task = o.arch === "unet" ? "denoiser" : "classifier";
  const c = compileModelOrUserError(g, task, `--grammar ${o.grammar}`, approxWidth);
  let rows: ErrorRow[];
  try {
    rows = await errorsByNoiseLevel(g, o, (evidence) => measureCompiledModel(c, g, evidence));
    await saveCompiledModel(c, g, o.grammar, o.out);
  } finally {
    c.model.dispose();
  }
  const file = path.join(o.out, "compiled.json");
  const params = c.model.countParams();
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
      `wrote the model directory ${o.out} (use it with ghm eval --model ${o.out} --grammar ${o.grammar}${o.arch === "unet" ? `, ghm diffuse --denoiser ${o.out}` : ""}, ghm train --init compiled${approxWidth === undefined ? "" : `:${approxWidth}`}) and ${file}`,
    ].join("\n"),
  );
}
