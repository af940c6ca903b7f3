import type { Command } from "commander";
import { randomRhm, Rng, sample, noisyEvidence, exactEvidence } from "@ghmkit/ghm";
import { runBP } from "@ghmkit/bp";
import type { Context } from "../program";
import { DEFAULT_RHM } from "../defaults";
import { classScores, leafScores } from "../bayesScores";
import { intArg } from "../options";
import { fmt, report, table } from "../output";

/** The quick end-to-end job behind `pnpm start`: grammar -> samples -> exact BP under noise. */
export function registerDemo(program: Command, ctx: Context): void {
  program
    .command("demo")
    .description("default grammar, samples, exact BP classification and denoising across noise levels")
    .option("-n, --n <count>", "test sequences", intArg(1, 1_000_000), 2000)
    .option("--seed <n>", "data seed (the grammar is the built-in default)", intArg(0), 1)
    .action((o, cmd: Command) => {
      const t0 = Date.now();
      const g = randomRhm(DEFAULT_RHM);
      const S = g.vocab[g.depth];
      const C = g.vocab[0];
      const data = sample(g, o.n, new Rng(o.seed));
      const clean = runBP(g, exactEvidence(data.x, data.n, data.d, S), { downward: false });
      const valid = clean.impossible.reduce((a, v) => a + (v ? 0 : 1), 0) / data.n;
      const meanLogP = clean.logZ.reduce((a, v) => a + v, 0) / data.n;
      const rows = [0.25, 0.5, 1, 2, 4].map((sigma, k) => {
        const { evidence } = noisyEvidence(
          data.x,
          data.n,
          data.d,
          S,
          { kind: "gaussian", alpha: 1, sigma },
          new Rng(1000 + k),
        );
        const r = runBP(g, evidence);
        return {
          sigma,
          bayesAccuracy: classScores(r.root, data.y, C, r.impossible).accuracy ?? 0,
          bayesMSE: leafScores(r.marginals![g.depth], data.x, S).mse,
        };
      });
      const out = {
        grammar: { kind: "rhm", ...DEFAULT_RHM },
        n: data.n,
        validity: valid,
        meanLogP,
        noise: rows,
        seconds: (Date.now() - t0) / 1000,
      };
      report(ctx.con, ctx.flags(cmd), out, () =>
        [
          `ghmkit demo: RHM S=${DEFAULT_RHM.S} C=${DEFAULT_RHM.classes} k=${DEFAULT_RHM.k} m=${DEFAULT_RHM.arity} L=${DEFAULT_RHM.depth} (d = ${data.d} leaves), ${data.n} samples`,
          `exact leaves: validity ${fmt(valid)} (every sample parses), mean log p(x) over the ${data.n} samples ${fmt(meanLogP)}`,
          "Bayes-optimal (exact BP) under gaussian noise z = onehot(x) + sigma g:",
          table(
            ["sigma", "class accuracy (mean over samples)", "denoising MSE (mean per leaf)"],
            rows.map((r) => [r.sigma, fmt(r.bayesAccuracy), fmt(r.bayesMSE)]),
          ),
          `done in ${fmt(out.seconds, 3)} s`,
        ].join("\n"),
      );
    });
}
