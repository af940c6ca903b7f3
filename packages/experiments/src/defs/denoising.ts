/**
 * denoising: a U-Net trained on P samples (Gaussian VP noise at random levels) against
 * the Bayes denoiser of exact BP, by P and by noise level, beside the ablations
 * (U-Net without long skips, flat ConvNet, MLP) trained identically.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { DEFAULT_RHM } from "../defaults";
import { intList, rhmShape, seedsSchema, trainSchema, unitOpen } from "../schemas";
import { groupBy, num } from "../stats";
import { trainJob } from "../training";
import type { Experiment, Preset, Row } from "../types";
import { ARCH_LABEL } from "./classification";

const schema = z.strictObject({
  grammar: rhmShape,
  seeds: seedsSchema,
  archs: z.array(z.enum(["unet", "unet-noskip", "flat", "mlp"])).min(1),
  P: intList(1, 4_000_000),
  /** Training and test noise: abar uniform in [abarMin, abarMax] per sequence. */
  noise: z.strictObject({ abarMin: unitOpen, abarMax: unitOpen }).refine((n) => n.abarMin <= n.abarMax, { message: "abarMin must be <= abarMax", path: ["abarMin"] }),
  /** Fixed signal levels abar of the per-noise-level evaluation. */
  evalAbar: z.array(unitOpen).min(1),
  train: trainSchema,
});
export type DenoisingConfig = z.infer<typeof schema>;

const { seed: _seed, ...defaultShape } = DEFAULT_RHM;

function defaults(preset: Preset): DenoisingConfig {
  return {
    grammar: { ...defaultShape },
    seeds: { grammar: DEFAULT_RHM.seed, data: 1, init: 2, noise: 3 },
    archs: preset === "tiny" ? ["unet", "mlp"] : ["unet", "unet-noskip", "flat", "mlp"],
    P: preset === "tiny" ? [16] : preset === "quick" ? [128, 1024] : [64, 512, 4096],
    noise: { abarMin: 0.05, abarMax: 0.95 },
    evalAbar: preset === "tiny" ? [0.5] : preset === "quick" ? [0.2, 0.5, 0.8] : [0.1, 0.3, 0.5, 0.7, 0.9],
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 300 : 1500,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 512 : 2048,
    },
  };
}

const label = (arch: unknown): string => ARCH_LABEL[String(arch)] ?? String(arch);

export const denoising: Experiment<DenoisingConfig> = {
  name: "denoising",
  title: "Denoising: U-Net and ablations against the Bayes denoiser (BP)",
  claim:
    "a U-Net (encoder = upward pass, decoder = downward pass, long skips = reuse of the upward messages) can represent and learn the Bayes-optimal BP denoiser; removing the skips or the hierarchy should cost accuracy.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) => c.archs.flatMap((arch) => c.P.map((P) => ({ id: `${arch}-P${P}`, params: { arch, P } }))),
  async run(c, job, ctx) {
    const { arch, P } = job.params as { arch: "unet" | "unet-noskip" | "flat" | "mlp"; P: number };
    const r = await trainJob(
      { task: "denoiser", arch, grammar: c.grammar, seeds: c.seeds, train: c.train, P, noise: { kind: "gaussian", ...c.noise }, evalAbar: c.evalAbar },
      job.id,
      ctx,
    );
    const e = r.eval;
    const mixed: Row = { arch, P, noise: "mixed", abar: null, mse: e.mse!, bayesMse: e.bayesMse!, ratio: e.ratio!, crossEntropy: e.crossEntropy, bayesCrossEntropy: e.bayesCrossEntropy, trainS: e.elapsedS };
    const fixed: Row[] = (e.levels ?? []).map((l) => ({ arch, P, noise: "fixed", abar: l.abar, mse: l.mse, bayesMse: l.bayesMse, ratio: l.ratio, crossEntropy: l.crossEntropy, bayesCrossEntropy: l.bayesCrossEntropy, trainS: e.elapsedS }));
    return [mixed, ...fixed];
  },
  figures(c, rows) {
    const mixed = rows.filter((r) => r.noise === "mixed");
    const Pmax = Math.max(...rows.map((r) => num(r.P)));
    const fixed = rows.filter((r) => r.noise === "fixed" && r.P === Pmax);
    const withBayes = (rs: Row[], x: string): Row[] => [
      ...rs.map((r) => ({ ...r, series: label(r.arch), reference: "learned" })),
      ...[...new Set(rs.map((r) => num(r[x])))].map((v) => ({ [x]: v, ratio: 1, series: "Bayes (exact BP)", reference: "Bayes" })),
    ];
    const fixedMse: Row[] = [
      ...fixed.map((r) => ({ abar: r.abar, mse: r.mse, series: label(r.arch), reference: "learned" })),
      ...fixed.filter((r) => r.arch === fixed[0]?.arch).map((r) => ({ abar: r.abar, mse: r.bayesMse, series: "Bayes (exact BP)", reference: "Bayes" })),
    ];
    return [
      {
        name: "ratio-vs-P",
        title: `Test MSE / Bayes MSE against the number of training samples P (noise abar uniform in [${c.noise.abarMin}, ${c.noise.abarMax}])`,
        spec: lineChart({ title: "Denoising MSE relative to Bayes, by P", rows: withBayes(mixed, "P"), x: { field: "P", title: "training samples P", scale: "log" }, y: { field: "ratio", title: "MSE / Bayes MSE", scale: "log" }, color: { field: "series", title: "denoiser" }, dashed: { field: "reference", value: "Bayes" } }),
      },
      {
        name: "ratio-vs-noise",
        title: `Test MSE / Bayes MSE against the signal level abar (P = ${Pmax})`,
        spec: lineChart({ title: `Denoising MSE relative to Bayes, by noise level (P = ${Pmax})`, rows: withBayes(fixed, "abar"), x: { field: "abar", title: "signal level abar (1 = clean)" }, y: { field: "ratio", title: "MSE / Bayes MSE", scale: "log" }, color: { field: "series", title: "denoiser" }, dashed: { field: "reference", value: "Bayes" } }),
      },
      {
        name: "mse-vs-noise",
        title: `Test MSE against the signal level abar (P = ${Pmax}; dashed: Bayes MSE from exact BP)`,
        spec: lineChart({ title: `Denoising MSE by noise level (P = ${Pmax})`, rows: fixedMse, x: { field: "abar", title: "signal level abar (1 = clean)" }, y: { field: "mse", title: "MSE per leaf" }, color: { field: "series", title: "denoiser" }, dashed: { field: "reference", value: "Bayes" } }),
      },
    ];
  },
  summarize(c, rows) {
    const mixed = rows.filter((r) => r.noise === "mixed").sort((a, b) => c.archs.indexOf(a.arch as never) - c.archs.indexOf(b.arch as never) || num(a.P) - num(b.P));
    const Pmax = Math.max(...rows.map((r) => num(r.P)));
    const headline: Record<string, number | null> = {};
    for (const r of mixed.filter((x) => x.P === Pmax)) headline[`${r.arch} MSE/Bayes at P=${Pmax}`] = num(r.ratio);
    const findings: string[] = [];
    const byArch = groupBy(mixed, (r) => String(r.arch));
    for (const [arch, rs] of byArch) findings.push(`${label(arch)}: MSE / Bayes MSE ${rs.map((r) => `${fmt(num(r.ratio), 3)} (P = ${r.P})`).join(", ")}.`);
    const top = mixed.filter((r) => r.P === Pmax).sort((a, b) => num(a.ratio) - num(b.ratio));
    if (top.length > 1) findings.push(`At P = ${Pmax}, closest to Bayes: ${label(top[0].arch)} (${fmt(num(top[0].ratio), 3)}); farthest: ${label(top[top.length - 1].arch)} (${fmt(num(top[top.length - 1].ratio), 3)}).`);
    const fixed = rows.filter((r) => r.noise === "fixed" && r.P === Pmax && r.arch === c.archs[0]).sort((a, b) => num(a.abar) - num(b.abar));
    if (fixed.length) findings.push(`${label(c.archs[0])} at P = ${Pmax} by signal level: ${fixed.map((r) => `${fmt(num(r.ratio), 3)} (abar ${r.abar})`).join(", ")}.`);
    findings.push(`Every network: ${c.train.steps} Adam steps, batch ${c.train.batchSize}, width ${c.train.width}; Bayes MSE from exact BP on the same ${c.train.testSize} noisy test sequences.`);
    return { verdicts: [],
      header: ["arch", "P", "noise", "MSE", "Bayes MSE", "MSE / Bayes"],
      rows: rows
        .slice()
        .sort((a, b) => c.archs.indexOf(a.arch as never) - c.archs.indexOf(b.arch as never) || num(a.P) - num(b.P) || (a.abar === null ? -1 : b.abar === null ? 1 : num(a.abar) - num(b.abar)))
        .map((r) => [label(r.arch), num(r.P), r.noise === "mixed" ? `abar ~ U[${c.noise.abarMin}, ${c.noise.abarMax}]` : `abar = ${r.abar}`, num(r.mse), num(r.bayesMse), num(r.ratio)]),
      headline,
      findings,
    };
  },
};
