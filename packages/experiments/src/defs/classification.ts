/**
 * classification: a ConvNet trained on P samples of the default RHM, test accuracy
 * and cross-entropy against P, beside the Bayes values of exact BP on the same test set.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { intList, rhmShape, seedsSchema, trainSchema } from "../schemas";
import { num } from "../stats";
import { trainJob } from "../training";
import type { Experiment, Preset, Row } from "../types";
import { DEFAULT_RHM } from "../defaults";

const schema = z.strictObject({
  grammar: rhmShape,
  seeds: seedsSchema,
  /** Classifier architectures: convnet (the paper's), flat or mlp (ablations). */
  archs: z.array(z.enum(["convnet", "flat", "mlp"])).min(1),
  /** Training-set sizes P. */
  P: intList(1, 4_000_000),
  train: trainSchema,
});
export type ClassificationConfig = z.infer<typeof schema>;

const { seed: _seed, ...defaultShape } = DEFAULT_RHM;

function defaults(preset: Preset): ClassificationConfig {
  return {
    grammar: { ...defaultShape },
    seeds: { grammar: DEFAULT_RHM.seed, data: 1, init: 2, noise: 3 },
    archs: ["convnet"],
    P: preset === "tiny" ? [16, 32] : preset === "quick" ? [32, 128, 512, 2048] : [32, 64, 128, 256, 512, 1024, 2048, 4096],
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 400 : 1500,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 512 : 2048,
    },
  };
}

export const ARCH_LABEL: Record<string, string> = { convnet: "ConvNet", unet: "U-Net", "unet-noskip": "U-Net without skips", flat: "flat ConvNet", mlp: "MLP" };

export const classification: Experiment<ClassificationConfig> = {
  name: "classification",
  title: "Classification: ConvNet against Bayes (BP), by training-set size",
  claim: "a ConvNet whose blocks mirror the upward BP pass learns the Bayes-optimal classifier of a GHM from a modest number of samples P.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) => c.archs.flatMap((arch) => c.P.map((P) => ({ id: `${arch}-P${P}`, params: { arch, P } }))),
  async run(c, job, ctx) {
    const { arch, P } = job.params as { arch: "convnet" | "flat" | "mlp"; P: number };
    const r = await trainJob({ task: "classifier", arch, grammar: c.grammar, seeds: c.seeds, train: c.train, P }, job.id, ctx);
    const e = r.eval;
    return [{ arch, P, accuracy: e.accuracy!, crossEntropy: e.crossEntropy, bayesAccuracy: e.bayesAccuracy!, bayesCrossEntropy: e.bayesCrossEntropy, steps: e.step, trainS: e.elapsedS }];
  },
  figures(c, rows) {
    const long = (field: string, bayes: string): Row[] => [
      ...rows.map((r) => ({ P: r.P, value: r[field], series: ARCH_LABEL[String(r.arch)] ?? String(r.arch), reference: "learned" })),
      ...rows.filter((r) => r.arch === c.archs[0]).map((r) => ({ P: r.P, value: r[bayes], series: "Bayes (exact BP)", reference: "Bayes" })),
    ];
    return [
      {
        name: "accuracy",
        title: "Test accuracy against the number of training samples P (dashed: Bayes-optimal, exact BP)",
        spec: lineChart({ title: "Test accuracy", rows: long("accuracy", "bayesAccuracy"), x: { field: "P", title: "training samples P", scale: "log" }, y: { field: "value", title: "accuracy", domain: [0, 1] }, color: { field: "series", title: "predictor" }, dashed: { field: "reference", value: "Bayes" } }),
      },
      {
        name: "cross-entropy",
        title: "Test cross-entropy against P (dashed: Bayes-optimal, exact BP)",
        spec: lineChart({ title: "Test cross-entropy", rows: long("crossEntropy", "bayesCrossEntropy"), x: { field: "P", title: "training samples P", scale: "log" }, y: { field: "value", title: "cross-entropy (nats)" }, color: { field: "series", title: "predictor" }, dashed: { field: "reference", value: "Bayes" } }),
      },
    ];
  },
  summarize(c, rows) {
    const sorted = [...rows].sort((a, b) => String(a.arch).localeCompare(String(b.arch)) || num(a.P) - num(b.P));
    const headline: Record<string, number | null> = {};
    for (const r of sorted) headline[`${r.arch} accuracy at P=${r.P}`] = num(r.accuracy);
    if (sorted.length) headline["Bayes accuracy"] = num(sorted[0].bayesAccuracy);
    const main = sorted.filter((r) => r.arch === c.archs[0]);
    const findings = main.length
      ? [
          `${ARCH_LABEL[c.archs[0]]} test accuracy ${main.map((r) => `${fmt(num(r.accuracy), 3)} (P = ${r.P})`).join(", ")}; Bayes accuracy from exact BP on the same ${c.train.testSize} test sequences: ${fmt(num(main[0].bayesAccuracy), 3)}.`,
          `Test cross-entropy ${main.map((r) => `${fmt(num(r.crossEntropy), 3)} (P = ${r.P})`).join(", ")}; Bayes: ${fmt(num(main[0].bayesCrossEntropy), 3)} nats.`,
          `Each network trained for ${c.train.steps} Adam steps (batch ${c.train.batchSize}, width ${c.train.width}); the RHM is unambiguous, so clean leaves determine the class and the Bayes accuracy is 1.`,
        ]
      : [];
    return { verdicts: [],
      header: ["arch", "P", "accuracy", "Bayes accuracy", "cross-entropy", "Bayes cross-entropy", "train s"],
      rows: sorted.map((r) => [String(r.arch), num(r.P), num(r.accuracy), num(r.bayesAccuracy), num(r.crossEntropy), num(r.bayesCrossEntropy), num(r.trainS)]),
      headline,
      findings,
    };
  },
};
