/**
 * sample-complexity: ConvNets on RHM grammars of several depths L and rules per
 * symbol k, test error against P / (C k^L): Cagnetta et al. (2024) find that a deep
 * ConvNet needs P* ~ C k^L samples, so the curves collapse on that axis.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, intList, seedsSchema, trainSchema } from "../schemas";
import { crossingDown, groupBy, num } from "../stats";
import { trainJob } from "../training";
import type { Experiment, Preset } from "../types";

const schema = z.strictObject({
  /** RHM vocabulary S, classes C, arity m shared by every grammar. */
  grammar: z.strictObject({ S: int(2, 4096), classes: int(2, 4096), arity: int(2, 16) }),
  depths: intList(1, 16),
  ks: intList(1, 4096),
  /** P = round(ratio * C k^L) for each ratio. */
  ratios: z.array(z.number().gt(0).max(1e6)).min(1),
  seeds: seedsSchema,
  train: trainSchema,
});
export type SampleComplexityConfig = z.infer<typeof schema>;

function defaults(preset: Preset): SampleComplexityConfig {
  return {
    grammar: { S: 8, classes: 4, arity: 2 },
    depths: preset === "tiny" ? [2] : [2, 3],
    ks: preset === "tiny" ? [2] : preset === "quick" ? [2, 3] : [2, 3, 4],
    ratios: preset === "tiny" ? [0.5, 2] : preset === "quick" ? [0.25, 1, 4] : [0.25, 0.5, 1, 2, 4, 8],
    seeds: { grammar: 0, data: 1, init: 2, noise: 3 },
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 250 : 600,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 512 : 2048,
    },
  };
}

export const pStar = (C: number, k: number, L: number): number => C * k ** L;

export const sampleComplexity: Experiment<SampleComplexityConfig> = {
  name: "sample-complexity",
  title: "Sample complexity of ConvNets on the Random Hierarchy Model",
  claim: "a ConvNet learning an RHM with C classes, k rules per symbol and depth L needs about P* ~ C k^L samples (Cagnetta et al. 2024): test error curves for different (L, k) collapse against P / (C k^L).",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    c.depths.flatMap((L) =>
      c.ks.flatMap((k) => {
        const ps = [...new Set(c.ratios.map((r) => Math.max(1, Math.round(r * pStar(c.grammar.classes, k, L)))))];
        return ps.map((P) => ({ id: `L${L}-k${k}-P${P}`, params: { L, k, P } }));
      }),
    ),
  async run(c, job, ctx) {
    const { L, k, P } = job.params as { L: number; k: number; P: number };
    const grammar = { ...c.grammar, k, depth: L };
    const r = await trainJob({ task: "classifier", arch: "convnet", grammar, seeds: c.seeds, train: c.train, P }, job.id, ctx);
    const star = pStar(c.grammar.classes, k, L);
    const acc = r.eval.accuracy!;
    return [{ L, k, grammar: `L=${L}, k=${k}`, P, Pstar: star, ratio: P / star, accuracy: acc, testError: 1 - acc, bayesAccuracy: r.eval.bayesAccuracy!, crossEntropy: r.eval.crossEntropy }];
  },
  figures(c, rows) {
    const chance = 1 - 1 / c.grammar.classes;
    return [
      {
        name: "error-vs-ratio",
        title: "Test error against P / (C k^L): the Cagnetta et al. data collapse",
        spec: lineChart({ title: "Test error against P / P*, P* = C k^L", rows, x: { field: "ratio", title: "P / (C k^L)", scale: "log" }, y: { field: "testError", title: `test error (chance ${fmt(chance, 3)})`, domain: [0, 1] }, color: { field: "grammar", title: "grammar" } }),
      },
      {
        name: "error-vs-P",
        title: "Test error against the raw number of training samples P",
        spec: lineChart({ title: "Test error against P", rows, x: { field: "P", title: "training samples P", scale: "log" }, y: { field: "testError", title: "test error", domain: [0, 1] }, color: { field: "grammar", title: "grammar" } }),
      },
    ];
  },
  summarize(c, rows) {
    const table: (string | number | null)[][] = [];
    const headline: Record<string, number | null> = {};
    const half = (1 - 1 / c.grammar.classes) / 2;
    const findings: string[] = [];
    const perGrammar: string[] = [];
    for (const [g, rs] of groupBy(rows, (r) => String(r.grammar))) {
      rs.sort((a, b) => num(a.P) - num(b.P));
      for (const r of rs) table.push([g, num(r.Pstar), num(r.P), num(r.ratio), num(r.accuracy), num(r.bayesAccuracy)]);
      // Where the error falls to half of chance, in units of P*.
      const x = crossingDown(rs.map((r) => num(r.ratio)), rs.map((r) => num(r.testError)), half);
      headline[`${g}: P/P* at half-chance error`] = x;
      perGrammar.push(`${g} (P* = ${rs[0].Pstar}): ${x === null ? "not reached" : fmt(x, 3)}`);
    }
    findings.push(`P / (C k^L) at which the test error falls to half of chance (${fmt(half, 3)}): ${perGrammar.join("; ")}. A collapse means these numbers agree across grammars while the raw P differs.`);
    findings.push(`ConvNet of width ${c.train.width}, ${c.train.steps} Adam steps per run (batch ${c.train.batchSize}, capped at P), ${c.train.testSize} test sequences; RHM S = ${c.grammar.S}, C = ${c.grammar.classes}, m = ${c.grammar.arity}.`);
    return { header: ["grammar", "P* = C k^L", "P", "P / P*", "accuracy", "Bayes accuracy"], rows: table, headline, findings, verdicts: [] };
  },
};
