import type { Command } from "commander";
import { runBP } from "@ghmkit/bp";
import type { Context } from "../program";
import { asUserInput } from "../errors";
import { readJsonFile } from "../io";
import { classScores, leafScores } from "../bayesScores";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { parseDataFile } from "../formats/data";
import { addNoiseOptions, checkNoiseFlags, describeNoise, type NoiseFlags, noisyEvidenceOf } from "../noise";

/** `ghm classify` and `ghm denoise`: the Bayes-optimal predictors (exact BP) scored on a data file. */
export function registerBayes(program: Command, ctx: Context): void {
  addNoiseOptions(
    program
      .command("classify")
      .description("Bayes-optimal classification by exact BP: accuracy and cross-entropy of P(y | observed leaves)")
      .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
      .requiredOption("--data <file>", "ghm-data/v1 file from `ghm sample` (- for stdin)"),
    "exact",
  ).action((o: NoiseFlags & { grammar: string; data: string }, cmd: Command) => {
    checkNoiseFlags(cmd, o);
    const g = loadGrammar(o.grammar);
    const data = parseDataFile(readJsonFile(o.data, "--data"), g, `--data ${o.data}`);
    // A tiny --sigma makes evidence BP refuses (|e| above 2^1020 / d): a user error, exit 2.
    const r = asUserInput("noise", () => runBP(g, noisyEvidenceOf(g, data, o), { downward: false }));
    const c = classScores(r.root, data.y, g.vocab[0], r.impossible);
    const out = {
      n: data.n,
      noise: describeNoise(o),
      bayesAccuracy: c.accuracy,
      bayesCrossEntropy: c.crossEntropy,
      impossible: c.impossible,
    };
    report(ctx.con, ctx.flags(cmd), out, () =>
      table(
        [
          "n",
          "noise",
          "Bayes accuracy (per sequence)",
          "Bayes cross-entropy (nats per sequence)",
          "impossible (sequences left out)",
        ],
        [[data.n, out.noise, fmt(out.bayesAccuracy ?? NaN), fmt(out.bayesCrossEntropy ?? NaN), c.impossible]],
      ),
    );
  });

  addNoiseOptions(
    program
      .command("denoise")
      .description("Bayes-optimal denoising by exact BP: MSE of E[onehot(x_i) | observations] against the clean leaves")
      .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
      .requiredOption("--data <file>", "ghm-data/v1 file from `ghm sample` (- for stdin)"),
    "gaussian",
  ).action((o: NoiseFlags & { grammar: string; data: string }, cmd: Command) => {
    checkNoiseFlags(cmd, o);
    const g = loadGrammar(o.grammar);
    const data = parseDataFile(readJsonFile(o.data, "--data"), g, `--data ${o.data}`);
    const r = asUserInput("noise", () => runBP(g, noisyEvidenceOf(g, data, o)));
    const l = leafScores(r.marginals![g.depth], data.x, g.vocab[g.depth]);
    const out = { n: data.n, noise: describeNoise(o), bayesMSE: l.mse, bayesLeafAccuracy: l.accuracy };
    report(ctx.con, ctx.flags(cmd), out, () =>
      table(
        ["n", "noise", "Bayes MSE (per leaf)", "leaf accuracy (per leaf)"],
        [[data.n, out.noise, fmt(out.bayesMSE), fmt(out.bayesLeafAccuracy)]],
      ),
    );
  });
}
