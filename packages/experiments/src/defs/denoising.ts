/**
 * denoising: a U-Net trained on P samples (Gaussian VP noise at random levels) against
 * the Bayes denoiser of exact BP, by P and by noise level, beside the ablations
 * (U-Net without long skips, flat ConvNet, MLP) trained identically, over several
 * seeds. The excess risk MSE / Bayes MSE - 1 is measured on unseen test sequences
 * (not in the training set) beside the population test set.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { DEFAULT_RHM } from "../defaults";
import { intList, repeatsSchema, rhmShape, seedsOf, seedsSchema, trainSchema, unitOpen, withRepeats } from "../schemas";
import { aggregateSeeds, formatInterval, groupRows, meanInterval } from "../statistics";
import type { Interval } from "../statistics";
import { num } from "../stats";
import { trainJob } from "../training";
import type { Experiment, Preset, Row, Verdict } from "../types";
import { ARCH_LABEL } from "./classification";
import { DENOISER_FIELDS, denoiserRows } from "./denoisingRows";

const schema = z.strictObject({
  grammar: rhmShape,
  seeds: seedsSchema,
  /** Independent repetitions of every point (grammar, data, init and noise seeds all change). */
  repeats: repeatsSchema,
  archs: z.array(z.enum(["unet", "unet-noskip", "flat", "mlp"])).min(1),
  P: intList(1, 4_000_000),
  /** Training and test noise: abar uniform in [abarMin, abarMax] per sequence. */
  noise: z
    .strictObject({ abarMin: unitOpen, abarMax: unitOpen })
    .refine((n) => n.abarMin <= n.abarMax, { message: "abarMin must be <= abarMax", path: ["abarMin"] }),
  /** Fixed signal levels abar of the per-noise-level evaluation. */
  evalAbar: z.array(unitOpen).min(1),
  /** "The U-Net approaches Bayes": its unseen excess risk MSE / Bayes - 1 at the largest P is at most this. */
  tolerance: z.number().gt(0),
  train: trainSchema,
});
export type DenoisingConfig = z.infer<typeof schema>;

const { seed: _seed, ...defaultShape } = DEFAULT_RHM;

function defaults(preset: Preset): DenoisingConfig {
  return {
    grammar: { ...defaultShape },
    seeds: { grammar: DEFAULT_RHM.seed, data: 1, init: 2, noise: 3 },
    repeats: preset === "tiny" ? 2 : 3,
    archs:
      preset === "tiny"
        ? ["unet", "unet-noskip"]
        : preset === "quick"
          ? ["unet", "unet-noskip"]
          : ["unet", "unet-noskip", "flat", "mlp"],
    P: preset === "tiny" ? [16] : preset === "quick" ? [128, 1024] : [64, 512, 4096],
    noise: { abarMin: 0.05, abarMax: 0.95 },
    evalAbar: preset === "tiny" ? [0.5] : preset === "quick" ? [0.2, 0.5, 0.8] : [0.1, 0.3, 0.5, 0.7, 0.9],
    tolerance: 0.1,
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 250 : 1000,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 256 : 1024,
    },
  };
}

const label = (arch: unknown): string => ARCH_LABEL[String(arch)] ?? String(arch);

/** The field a comparison uses: unseen excess risk when every seed row has it, else the population one (said in the text). */
function excessField(rs: Row[]): { field: "excess" | "excessPop"; note: string } {
  return rs.length > 0 && rs.every((r) => typeof r.excess === "number")
    ? { field: "excess", note: "unseen test sequences" }
    : { field: "excessPop", note: "population test set (no unseen test sequences at this P)" };
}

const fmtIv = (iv: Interval): string => formatInterval(iv, (x) => fmt(x, 3));

/** The two verdicts of the denoising experiment, from the mixed-noise seed rows at the largest P. */
export function denoisingVerdicts(c: DenoisingConfig, rows: Row[]): Verdict[] {
  const Pmax = Math.max(...c.P);
  const at = rows.filter((r) => r.noise === "mixed" && r.P === Pmax);
  const unet = at.filter((r) => r.arch === "unet");
  const noskip = at.filter((r) => r.arch === "unet-noskip");
  const out: Verdict[] = [];
  if (unet.length > 0 && noskip.length > 0) {
    // Paired by seed: the same grammar, data and noise for both networks.
    const { field, note } = excessField([...unet, ...noskip]);
    const byRep = new Map(unet.map((r) => [r.rep, num(r[field])]));
    const diffs = noskip.filter((r) => byRep.has(r.rep)).map((r) => num(r[field]) - byRep.get(r.rep)!);
    if (diffs.length > 0) {
      const iv = meanInterval(diffs);
      const verdict =
        diffs.length < 2 ? "inconclusive" : iv.lo > 0 ? "supported" : iv.hi < 0 ? "not supported" : "inconclusive";
      out.push({
        hypothesis: "long skip connections matter: without them the U-Net denoises worse",
        quantity: `excess risk (MSE / Bayes - 1) of the U-Net without skips minus the U-Net's, same seeds, P = ${Pmax}, ${note}`,
        measured: fmtIv(iv),
        verdict,
        why:
          diffs.length < 2
            ? "one paired seed: no interval"
            : verdict === "supported"
              ? "the 95% interval of the paired difference lies above 0"
              : verdict === "not supported"
                ? "the 95% interval of the paired difference lies below 0 (the ablation is better)"
                : "the 95% interval of the paired difference contains 0",
      });
    }
  }
  if (unet.length > 0) {
    const { field, note } = excessField(unet);
    const iv = meanInterval(unet.map((r) => num(r[field])));
    const verdict =
      unet.length < 2
        ? "inconclusive"
        : iv.hi <= c.tolerance
          ? "supported"
          : iv.lo > c.tolerance
            ? "not supported"
            : "inconclusive";
    out.push({
      hypothesis: `the U-Net approaches the Bayes denoiser (excess risk <= ${c.tolerance})`,
      quantity: `U-Net excess risk MSE / Bayes MSE - 1 at P = ${Pmax}, ${note}, after ${c.train.steps} steps`,
      measured: fmtIv(iv),
      verdict,
      why:
        unet.length < 2
          ? "one seed: no interval"
          : verdict === "supported"
            ? `the 95% interval lies at or below ${c.tolerance}`
            : verdict === "not supported"
              ? `the 95% interval lies above ${c.tolerance} (at this step budget)`
              : `the 95% interval contains ${c.tolerance}`,
    });
  }
  return out;
}

export const denoising: Experiment<DenoisingConfig> = {
  name: "denoising",
  title: "Denoising: U-Net and ablations against the Bayes denoiser (BP)",
  claim:
    "a U-Net (encoder = upward pass, decoder = downward pass, long skips = reuse of the upward messages) can represent and learn the Bayes-optimal BP denoiser; removing the skips or the hierarchy should cost accuracy.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    withRepeats(
      c.archs.flatMap((arch) => c.P.map((P) => ({ id: `${arch}-P${P}`, params: { arch, P } }))),
      c.repeats,
    ),
  async run(c, job, ctx) {
    const { arch, P, rep } = job.params as { arch: "unet" | "unet-noskip" | "flat" | "mlp"; P: number; rep: number };
    const r = await trainJob(
      {
        task: "denoiser",
        arch,
        grammar: c.grammar,
        seeds: seedsOf(c.seeds, rep),
        train: c.train,
        P,
        noise: { kind: "gaussian", ...c.noise },
        evalAbar: c.evalAbar,
      },
      job.id,
      ctx,
    );
    return denoiserRows({ arch, P, rep }, r.eval);
  },
  figures(c, rows) {
    const Pmax = Math.max(...rows.map((r) => num(r.P)));
    const mixed = aggregateSeeds(
      rows.filter((r) => r.noise === "mixed"),
      ["arch", "P"],
      ["excess", "excessPop"],
    );
    const fixed = aggregateSeeds(
      rows.filter((r) => r.noise === "fixed" && r.P === Pmax),
      ["arch", "abar"],
      ["excess", "excessPop", "unseenMse", "unseenBayesMse", "mse", "bayesMse"],
    );
    const both = (rs: Row[], x: string): Row[] => [
      ...rs.map((r) => ({
        [x]: r[x],
        value: r.excess,
        lo: r.excessLo,
        hi: r.excessHi,
        series: `${label(r.arch)} (unseen)`,
        reference: "unseen",
      })),
      ...rs.map((r) => ({
        [x]: r[x],
        value: r.excessPop,
        lo: r.excessPopLo,
        hi: r.excessPopHi,
        series: `${label(r.arch)} (population)`,
        reference: "population",
      })),
    ];
    const first = c.archs[0];
    const fixedMse: Row[] = [
      ...fixed.map((r) => ({
        abar: r.abar,
        mse: r.unseenMse,
        lo: r.unseenMseLo,
        hi: r.unseenMseHi,
        series: label(r.arch),
        reference: "learned",
      })),
      ...fixed
        .filter((r) => r.arch === first)
        .map((r) => ({
          abar: r.abar,
          mse: r.unseenBayesMse,
          lo: r.unseenBayesMseLo,
          hi: r.unseenBayesMseHi,
          series: "Bayes (exact BP)",
          reference: "Bayes",
        })),
    ];
    return [
      {
        name: "excess-vs-P",
        title: `Excess risk MSE / Bayes MSE - 1 against the number of training samples P (noise abar uniform in [${c.noise.abarMin}, ${c.noise.abarMax}]; solid: unseen test sequences, dashed: population test set; bars: 95% interval over ${c.repeats} seeds; 0 = Bayes)`,
        spec: lineChart({
          title: "Denoising excess risk over Bayes, by P",
          rows: both(mixed, "P"),
          x: { field: "P", title: "training samples P", scale: "log" },
          y: { field: "value", title: "MSE / Bayes MSE - 1" },
          color: { field: "series", title: "denoiser (test set)" },
          dashed: { field: "reference", value: "population" },
          interval: { lo: "lo", hi: "hi" },
        }),
      },
      {
        name: "excess-vs-noise",
        title: `Excess risk against the signal level abar (P = ${Pmax}; solid: unseen, dashed: population; bars: 95% seed interval)`,
        spec: lineChart({
          title: `Denoising excess risk by noise level (P = ${Pmax})`,
          rows: both(fixed, "abar"),
          x: { field: "abar", title: "signal level abar (1 = clean)" },
          y: { field: "value", title: "MSE / Bayes MSE - 1" },
          color: { field: "series", title: "denoiser (test set)" },
          dashed: { field: "reference", value: "population" },
          interval: { lo: "lo", hi: "hi" },
        }),
      },
      {
        name: "mse-vs-noise",
        title: `Unseen test MSE against the signal level abar (P = ${Pmax}; dashed: Bayes MSE from exact BP on the same rows; bars: 95% seed interval)`,
        spec: lineChart({
          title: `Denoising MSE by noise level (P = ${Pmax}, unseen)`,
          rows: fixedMse,
          x: { field: "abar", title: "signal level abar (1 = clean)" },
          y: { field: "mse", title: "MSE per leaf" },
          color: { field: "series", title: "denoiser" },
          dashed: { field: "reference", value: "Bayes" },
          interval: { lo: "lo", hi: "hi" },
        }),
      },
    ];
  },
  summarize(c, rows) {
    const Pmax = Math.max(...c.P);
    const byArch = (a: Row, b: Row): number => c.archs.indexOf(a.arch as never) - c.archs.indexOf(b.arch as never);
    const mixed = aggregateSeeds(
      rows.filter((r) => r.noise === "mixed"),
      ["arch", "P"],
      DENOISER_FIELDS,
    ).sort((a, b) => byArch(a, b) || num(a.P) - num(b.P));
    const fixed = aggregateSeeds(
      rows.filter((r) => r.noise === "fixed"),
      ["arch", "P", "abar"],
      DENOISER_FIELDS,
    );
    const headline: Record<string, number | null> = {};
    const findings: string[] = [];
    const iv = (r: Row, f: string): string =>
      r[f] === null
        ? "–"
        : formatInterval({ mean: num(r[f]), lo: num(r[`${f}Lo`]), hi: num(r[`${f}Hi`]), sd: 0, n: num(r.n) }, (x) =>
            fmt(x, 3),
          );
    for (const g of groupRows(mixed, ["arch"])) {
      findings.push(
        `${label(g.key.arch)}: excess risk MSE / Bayes - 1 on unseen test sequences ${g.rows.map((r) => `${iv(r, "excess")} (P = ${r.P}; population ${iv(r, "excessPop")}; overlap ${fmt(num(r.overlap), 3)}, ${fmt(num(r.unseenCount), 4)} unseen rows)`).join(", ")}.`,
      );
      const top = g.rows.find((r) => r.P === Pmax);
      if (top) {
        headline[`${g.key.arch} excess (unseen) at P=${Pmax}`] = top.excess === null ? null : num(top.excess);
        headline[`${g.key.arch} excess (population) at P=${Pmax}`] = num(top.excessPop);
      }
    }
    const lv = fixed.filter((r) => r.P === Pmax && r.arch === c.archs[0]).sort((a, b) => num(a.abar) - num(b.abar));
    if (lv.length)
      findings.push(
        `${label(c.archs[0])} at P = ${Pmax} by signal level, unseen excess risk: ${lv.map((r) => `${iv(r, "excess")} (abar ${r.abar})`).join(", ")}.`,
      );
    findings.push(
      `Every network: ${c.train.steps} Adam steps (a fixed step budget), batch ${c.train.batchSize} (at most P), width ${c.train.width}, peak lr ${c.train.lr}; ${c.repeats} seeds per point (grammar, data, init, noise); Bayes MSE from exact BP on the same noisy test rows (${c.train.testSize} population rows, up to ${c.train.testSize} unseen rows).`,
    );
    const tableRows = [
      ...mixed,
      ...fixed.sort((a, b) => byArch(a, b) || num(a.P) - num(b.P) || num(a.abar) - num(b.abar)),
    ];
    return {
      verdicts: denoisingVerdicts(c, rows),
      header: [
        "arch",
        "P",
        "noise",
        "seeds",
        "excess (unseen)",
        "excess (population)",
        "MSE (unseen)",
        "Bayes MSE (unseen)",
        "overlap",
        "unseen rows",
      ],
      rows: tableRows.map((r) => [
        label(r.arch),
        num(r.P),
        r.abar === null || r.abar === undefined
          ? `abar ~ U[${c.noise.abarMin}, ${c.noise.abarMax}]`
          : `abar = ${r.abar}`,
        num(r.n),
        iv(r, "excess"),
        iv(r, "excessPop"),
        r.unseenMse === null ? null : num(r.unseenMse),
        r.unseenBayesMse === null ? null : num(r.unseenBayesMse),
        fmt(num(r.overlap), 3),
        fmt(num(r.unseenCount), 4),
      ]),
      headline,
      findings,
    };
  },
};
