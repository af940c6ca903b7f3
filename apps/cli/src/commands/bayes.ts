import { Command } from "commander";
import { runBP } from "@ghmkit/bp";
import type { Context } from "../program";
import { asUserInput } from "../errors";
import { readJsonFile } from "../io";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { parseDataFile } from "../formats/data";
import { addNoiseOptions, describeNoise, NoiseFlags, noisyEvidence } from "../noise";

/** `ghm classify` and `ghm denoise`: the Bayes-optimal predictors (exact BP) scored on a data file. */
export function registerBayes(program: Command, ctx: Context): void {
  addNoiseOptions(
    program
      .command("classify")
      .description("Bayes-optimal classification by exact BP: accuracy and cross-entropy of P(y | observed leaves)")
      .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
      .requiredOption("--data <file>", "ghm-data/v1 file from `ghm sample`"),
    "exact",
  ).action((o: NoiseFlags & { grammar: string; data: string }, cmd: Command) => {
    const g = loadGrammar(o.grammar);
    const data = parseDataFile(readJsonFile(o.data, "--data"), g, `--data ${o.data}`);
    // A tiny --sigma makes evidence BP refuses (|e| above 2^1020 / d): a user error, exit 2.
    const r = asUserInput("noise", () => runBP(g, noisyEvidence(g, data, o), { downward: false }));
    const C = g.vocab[0];
    let correct = 0;
    let ce = 0;
    let impossible = 0;
    for (let b = 0; b < data.n; b++) {
      if (r.impossible[b]) {
        impossible++;
        continue;
      }
      let best = 0;
      for (let c = 1; c < C; c++) if (r.root[b * C + c] > r.root[b * C + best]) best = c;
      if (best === data.y[b]) correct++;
      ce -= Math.log(Math.max(r.root[b * C + data.y[b]], Number.MIN_VALUE));
    }
    const scored = data.n - impossible;
    const out = { n: data.n, noise: describeNoise(o), bayesAccuracy: scored ? correct / scored : null, bayesCrossEntropy: scored ? ce / scored : null, impossible };
    report(ctx.con, ctx.flags(cmd), out, () =>
      table(["n", "noise", "Bayes accuracy", "Bayes cross-entropy", "impossible"], [[data.n, out.noise, fmt(out.bayesAccuracy ?? NaN), fmt(out.bayesCrossEntropy ?? NaN), impossible]]),
    );
  });

  addNoiseOptions(
    program
      .command("denoise")
      .description("Bayes-optimal denoising by exact BP: MSE of E[onehot(x_i) | observations] against the clean leaves")
      .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
      .requiredOption("--data <file>", "ghm-data/v1 file from `ghm sample`"),
    "gaussian",
  ).action((o: NoiseFlags & { grammar: string; data: string }, cmd: Command) => {
    const g = loadGrammar(o.grammar);
    const data = parseDataFile(readJsonFile(o.data, "--data"), g, `--data ${o.data}`);
    const r = asUserInput("noise", () => runBP(g, noisyEvidence(g, data, o)));
    const leaves = r.marginals![g.depth];
    const S = g.vocab[g.depth];
    let se = 0;
    let hits = 0;
    for (let i = 0; i < data.n * data.d; i++) {
      let best = 0;
      for (let s = 0; s < S; s++) {
        const p = leaves[i * S + s];
        const t = s === data.x[i] ? 1 : 0;
        se += (p - t) * (p - t);
        if (p > leaves[i * S + best]) best = s;
      }
      if (best === data.x[i]) hits++;
    }
    const out = { n: data.n, noise: describeNoise(o), bayesMSE: se / (data.n * data.d), bayesLeafAccuracy: hits / (data.n * data.d) };
    report(ctx.con, ctx.flags(cmd), out, () => table(["n", "noise", "Bayes MSE", "leaf accuracy"], [[data.n, out.noise, fmt(out.bayesMSE), fmt(out.bayesLeafAccuracy)]]));
  });
}
