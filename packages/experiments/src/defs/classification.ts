/**
 * classification: a ConvNet and two ablations (a flat ConvNet without the hierarchy,
 * an MLP) trained on P samples of the default RHM, over several independent seeds.
 * Test error against P on UNSEEN test sequences (none of them a training sequence)
 * beside the population test set, with exact BP (the Bayes-optimal classifier) on the
 * same sets; P*(eps), the smallest P whose unseen error is <= eps, per architecture.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { intList, repeatsSchema, rhmShape, seedsOf, seedsSchema, trainSchema, withRepeats } from "../schemas";
import { aggregateSeeds, formatInterval, groupRows, intervalOf } from "../statistics";
import type { Verdict } from "../statistics";
import { trainJob } from "../training";
import type { Experiment, Preset, Row } from "../types";
import { DEFAULT_RHM } from "../defaults";
import {
  CLASSIFIER_FIELDS,
  type ThresholdBounds,
  classifierFields,
  curvePoints,
  describeBounds,
  thresholdBounds,
  unseenShortfall,
} from "./sampleComplexityStats";

const archEnum = z.enum(["convnet", "flat", "mlp"]);
const schema = z.strictObject({
  grammar: rhmShape,
  /** Base seeds; repetition r uses seedsOf(seeds, r) (grammar, data, init and noise all change). */
  seeds: seedsSchema,
  /** Independent repetitions (seeds) of every point. */
  repeats: repeatsSchema,
  /** Classifier architectures: convnet (the paper's) first, then the ablations flat and mlp. */
  archs: z.array(archEnum).min(1),
  /** Training-set sizes P (a log grid). */
  P: intList(1, 4_000_000),
  /** P*(eps): the smallest P whose seed-mean unseen test error is <= eps. */
  eps: z.number().gt(0).lt(1),
  /** "Reaches Bayes accuracy": the 95% interval of Bayes accuracy - accuracy (unseen, largest P) lies below this. */
  tolerance: z.number().gt(0).lt(1),
  train: trainSchema,
});
export type ClassificationConfig = z.infer<typeof schema>;

const { seed: _seed, ...defaultShape } = DEFAULT_RHM;

function defaults(preset: Preset): ClassificationConfig {
  return {
    grammar: { ...defaultShape },
    seeds: { grammar: DEFAULT_RHM.seed, data: 1, init: 2, noise: 3 },
    repeats: preset === "tiny" ? 2 : 3,
    archs: preset === "tiny" ? ["convnet", "mlp"] : ["convnet", "flat", "mlp"],
    // The default RHM generates 1024 distinct sequences: P <= 1024 leaves >= 1/e of them unseen.
    P: preset === "tiny" ? [16, 64] : preset === "quick" ? [32, 128, 512] : [32, 64, 128, 256, 512, 1024],
    eps: 0.05,
    tolerance: 0.02,
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 200 : 1000,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 512 : 2048,
    },
  };
}

export const ARCH_LABEL: Record<string, string> = {
  convnet: "ConvNet",
  unet: "U-Net",
  "unet-noskip": "U-Net without skips",
  flat: "flat ConvNet",
  mlp: "MLP",
};
const label = (a: unknown): string => ARCH_LABEL[String(a)] ?? String(a);

/** Seed means with 95% intervals per (arch, P), in config order. */
export function aggregateClassification(rows: Row[]): Row[] {
  return aggregateSeeds(rows, ["arch", "P"], [...CLASSIFIER_FIELDS, "trainS"]);
}

/** P*(eps) of each architecture: the crossing of eps by the seed-mean unseen error, with the band's bounds. */
export function pStarByArch(c: ClassificationConfig, rows: Row[]): Map<string, ThresholdBounds | null> {
  const out = new Map<string, ThresholdBounds | null>();
  for (const arch of c.archs) {
    const pts = curvePoints(
      rows.filter((r) => r.arch === arch),
      "P",
      "unseenError",
    );
    out.set(arch, pts.length ? thresholdBounds(pts, c.eps) : null);
  }
  return out;
}

/** The claim's verdicts, computed from the seed rows (see each `why` for the rule). */
export function classificationVerdicts(c: ClassificationConfig, rows: Row[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const main = c.archs[0];
  const Pmax = Math.max(...rows.filter((r) => r.arch === main).map((r) => r.P as number));
  const atMax = rows.filter((r) => r.arch === main && r.P === Pmax);
  const gap = intervalOf(atMax, "unseenGap");
  const hyp = `the ${label(main)} reaches the Bayes accuracy (exact BP) on unseen test data at the largest P`;
  const quantity = `Bayes accuracy - ${label(main)} accuracy on the unseen test set at P = ${Number.isFinite(Pmax) ? Pmax : "?"}, mean over seeds with 95% interval`;
  if (!gap) {
    verdicts.push({
      hypothesis: hyp,
      quantity,
      measured: "no unseen test sequence",
      verdict: "inconclusive",
      why: "the unseen test set is empty at the largest P (the training set covers the grammar's support)",
    });
  } else {
    const measured = formatInterval(gap, (x) => fmt(x, 3));
    const t = c.tolerance;
    if (gap.hi < t)
      verdicts.push({
        hypothesis: hyp,
        quantity,
        measured,
        verdict: "supported",
        why: `rule: supported when the interval's upper end is below the tolerance ${t}; it is ${fmt(gap.hi, 3)}`,
      });
    else if (gap.lo > t)
      verdicts.push({
        hypothesis: hyp,
        quantity,
        measured,
        verdict: "not supported",
        why: `rule: not supported when the interval's lower end exceeds the tolerance ${t}; it is ${fmt(gap.lo, 3)}`,
      });
    else
      verdicts.push({
        hypothesis: hyp,
        quantity,
        measured,
        verdict: "inconclusive",
        why: `rule: the interval [${fmt(gap.lo, 3)}, ${fmt(gap.hi, 3)}] contains the tolerance ${t}`,
      });
  }
  const stars = pStarByArch(c, rows);
  const ps = stars.get(main);
  for (const abl of c.archs.slice(1)) {
    const pa = stars.get(abl);
    const hypothesis = `the ${label(main)} needs fewer samples than the ${label(abl)} to reach unseen test error ${c.eps}`;
    const quantity2 = `P*(${c.eps}) of each, the crossing of ${c.eps} by the seed-mean unseen error (log-P interpolation), with the bounds where the 95% band's edges cross`;
    if (!ps || !pa) {
      verdicts.push({
        hypothesis,
        quantity: quantity2,
        measured: "no unseen data",
        verdict: "inconclusive",
        why: "no unseen error was measured for one of the two",
      });
      continue;
    }
    const measured = `${label(main)}: ${describeBounds(ps)}; ${label(abl)}: ${describeBounds(pa)}`;
    if (ps.hi < pa.lo)
      verdicts.push({
        hypothesis,
        quantity: quantity2,
        measured,
        verdict: "supported",
        why: `rule: supported when the ${label(main)}'s upper bound is below the ${label(abl)}'s lower bound (${fmt(ps.hi, 3)} < ${fmt(pa.lo, 3)})`,
      });
    else if (pa.hi < ps.lo)
      verdicts.push({
        hypothesis,
        quantity: quantity2,
        measured,
        verdict: "not supported",
        why: `rule: not supported when the ${label(abl)}'s upper bound is below the ${label(main)}'s lower bound (${fmt(pa.hi, 3)} < ${fmt(ps.lo, 3)})`,
      });
    else
      verdicts.push({
        hypothesis,
        quantity: quantity2,
        measured,
        verdict: "inconclusive",
        why: "rule: inconclusive when the two bounds overlap (the grid and the seeds cannot order them)",
      });
  }
  return verdicts;
}

const SET_LABEL = { unseen: "unseen test set", population: "population test set" } as const;

/** Long rows for a figure: learned series per arch and the Bayes series (dashed), faceted by test set. */
function errorFigureRows(
  c: ClassificationConfig,
  agg: Row[],
  field: { unseen: [string, string]; population: [string, string] },
): Row[] {
  const out: Row[] = [];
  for (const set of ["unseen", "population"] as const) {
    const [net, bayes] = field[set];
    for (const r of agg)
      out.push({
        P: r.P,
        set: SET_LABEL[set],
        value: r[net],
        lo: r[`${net}Lo`],
        hi: r[`${net}Hi`],
        series: label(r.arch),
        reference: "learned",
      });
    for (const r of agg.filter((x) => x.arch === c.archs[0]))
      out.push({
        P: r.P,
        set: SET_LABEL[set],
        value: r[bayes],
        lo: r[`${bayes}Lo`],
        hi: r[`${bayes}Hi`],
        series: "Bayes (exact BP)",
        reference: "Bayes",
      });
  }
  return out;
}

export const classification: Experiment<ClassificationConfig> = {
  name: "classification",
  title: "Classification: ConvNet and ablations against Bayes (BP), by training-set size, on unseen test data",
  claim:
    "a ConvNet whose blocks mirror the upward BP pass learns the Bayes-optimal classifier of a GHM from a modest number of samples P, fewer than networks without the hierarchy (a flat ConvNet, an MLP) need.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    withRepeats(
      c.archs.flatMap((arch) => c.P.map((P) => ({ id: `${arch}-P${P}`, params: { arch, P } }))),
      c.repeats,
    ),
  async run(c, job, ctx) {
    const { arch, P, rep } = job.params as { arch: "convnet" | "flat" | "mlp"; P: number; rep: number };
    const r = await trainJob(
      { task: "classifier", arch, grammar: c.grammar, seeds: seedsOf(c.seeds, rep), train: c.train, P },
      job.id,
      ctx,
    );
    const e = r.eval;
    return [{ arch, P, rep, ...classifierFields(e), steps: e.step, trainS: e.elapsedS }];
  },
  figures(c, rows) {
    const agg = aggregateClassification(rows);
    const common = {
      x: { field: "P", title: "training samples P", scale: "log" as const },
      color: { field: "series", title: "predictor" },
      dashed: { field: "reference", value: "Bayes" },
      interval: { lo: "lo", hi: "hi" },
      column: { field: "set", title: "test set" },
    };
    return [
      {
        name: "error",
        title: `Test error against P, one panel per test set (unseen sequences, none of them a training sequence; population draws); mean of ${c.repeats} seeds with 95% intervals; dashed: Bayes (exact BP)`,
        spec: lineChart({
          ...common,
          title: "Test error",
          rows: errorFigureRows(c, agg, {
            unseen: ["unseenError", "unseenBayesError"],
            population: ["testError", "bayesError"],
          }),
          y: { field: "value", title: "test error", domain: [0, 1] },
        }),
      },
      {
        name: "cross-entropy",
        title: "Test cross-entropy against P, unseen and population test sets (dashed: Bayes, exact BP)",
        spec: lineChart({
          ...common,
          title: "Test cross-entropy",
          rows: errorFigureRows(c, agg, {
            unseen: ["unseenCrossEntropy", "unseenBayesCrossEntropy"],
            population: ["crossEntropy", "bayesCrossEntropy"],
          }),
          y: { field: "value", title: "cross-entropy (nats)" },
        }),
      },
    ];
  },
  summarize(c, rows) {
    const agg = aggregateClassification(rows);
    const iv = (r: Row, f: string): string =>
      r[f] === null
        ? "—"
        : r[`${f}Lo`] === r[`${f}Hi`]
          ? fmt(r[f] as number, 3)
          : `${fmt(r[f] as number, 3)} [${fmt(r[`${f}Lo`] as number, 3)}, ${fmt(r[`${f}Hi`] as number, 3)}]`;
    const seedsOfPoint = (r: Row): Row[] => rows.filter((x) => x.arch === r.arch && x.P === r.P);
    const table = agg.map((r) => {
      const rs = seedsOfPoint(r);
      const minUnseen = Math.min(...rs.map((x) => x.unseenCount as number));
      return [
        label(r.arch),
        r.P as number,
        r.n as number,
        iv(r, "unseenError"),
        iv(r, "testError"),
        iv(r, "unseenBayesError"),
        iv(r, "unseenCrossEntropy"),
        iv(r, "unseenBayesCrossEntropy"),
        iv(r, "overlap"),
        minUnseen,
        unseenShortfall(rs) ?? "",
      ];
    });
    const headline: Record<string, number | string | null> = {};
    const stars = pStarByArch(c, rows);
    for (const r of agg) headline[`${r.arch} unseen error at P=${r.P}`] = r.unseenError as number | null;
    for (const [arch, b] of stars) headline[`${arch} P*(${c.eps})`] = b ? describeBounds(b) : null;
    const bayesUnseen = intervalOf(rows, "unseenBayesError");
    headline["Bayes unseen error"] = bayesUnseen ? bayesUnseen.mean : null;
    const findings: string[] = [];
    for (const g of groupRows(agg, ["arch"])) {
      const a = g.key.arch;
      findings.push(
        `${label(a)}: unseen test error ${g.rows.map((r) => `${iv(r, "unseenError")} (P = ${r.P})`).join(", ")}; P*(${c.eps}) = ${stars.get(String(a)) ? describeBounds(stars.get(String(a))!) : "—"}.`,
      );
    }
    if (bayesUnseen)
      findings.push(
        `Bayes (exact BP) error on the unseen sets: ${fmt(bayesUnseen.mean, 3)} (the RHM is unambiguous: clean leaves fix the class).`,
      );
    const shortfalls = groupRows(rows, ["arch", "P"])
      .map((g) => [g.key, unseenShortfall(g.rows)] as const)
      .filter(([, s]) => s !== null);
    if (shortfalls.length)
      findings.push(
        `Unseen sets smaller than asked for at ${shortfalls.map(([k]) => `${label(k.arch)} P = ${k.P}`).join(", ")}: ${shortfalls[0][1]}.`,
      );
    else
      findings.push(
        `Every unseen test set has the requested ${c.train.testSize} sequences (none a training sequence); the overlap column is the fraction of population test rows that are training sequences.`,
      );
    findings.push(
      `${c.repeats} seeds per point (grammar, data, init and noise seeds all change); each network trained for ${c.train.steps} Adam steps (batch ${c.train.batchSize}, width ${c.train.width}), evaluated once at the end.`,
    );
    return {
      verdicts: classificationVerdicts(c, rows),
      header: [
        "arch",
        "P",
        "seeds",
        "unseen error",
        "population error",
        "Bayes unseen error",
        "unseen cross-entropy",
        "Bayes unseen cross-entropy",
        "overlap",
        "unseen count (min over seeds)",
        "unseen note",
      ],
      rows: table,
      headline,
      findings,
    };
  },
};
