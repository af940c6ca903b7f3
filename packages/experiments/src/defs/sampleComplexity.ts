/**
 * sample-complexity: classifiers on RHM grammars of several depths L and rules per
 * symbol k, over several seeds, test error on UNSEEN sequences (beside the population
 * error) against P / (C k^L). Cagnetta et al. (PRX 14, 031001, 2024) find that a deep
 * CNN needs P* ~ n_c m^L samples (their n_c classes = our C, their m synonymic rules
 * per symbol = our k, their s arity = our m, their v vocabulary = our S, their L = our
 * L), so the ConvNet's curves should collapse on that axis and P* should grow like
 * C k^L with exponent about 1.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, repeatsSchema, seedsOf, seedsSchema, trainSchema, withRepeats } from "../schemas";
import { aggregateSeeds, fitPowerLaw, groupRows } from "../statistics";
import type { Verdict } from "../statistics";
import { trainJob } from "../training";
import type { Experiment, Preset, Row } from "../types";
import { ARCH_LABEL } from "./classification";
import {
  CLASSIFIER_FIELDS,
  type ThresholdBounds,
  classifierFields,
  curvePoints,
  describeBounds,
  disjoint,
  thresholdBounds,
  unseenShortfall,
} from "./sampleComplexityStats";

const archEnum = z.enum(["convnet", "flat", "mlp"]);
const schema = z.strictObject({
  /** RHM vocabulary S, classes C, arity m shared by every grammar. */
  grammar: z.strictObject({ S: int(2, 4096), classes: int(2, 4096), arity: int(2, 16) }),
  /** The (depth L, rules per symbol k) of each grammar. */
  grammars: z.array(z.strictObject({ L: int(1, 16), k: int(1, 4096) })).min(1),
  /** Architectures: convnet (whose collapse is tested) first, then ablations. */
  archs: z.array(archEnum).min(1),
  /** Ablations (every arch but the first) run only on grammars with L <= ablationMaxL (cost). */
  ablationMaxL: int(1, 16),
  /** P = round(ratio * C k^L) for each ratio. */
  ratios: z.array(z.number().gt(0).max(1e6)).min(1),
  seeds: seedsSchema,
  repeats: repeatsSchema,
  train: trainSchema,
});
export type SampleComplexityConfig = z.infer<typeof schema>;

function defaults(preset: Preset): SampleComplexityConfig {
  return {
    grammar: { S: 8, classes: 4, arity: 2 },
    // L >= 3: the support C k^(2^L - 1) is then >= 16 C k^L, so unseen sets stay large up to P = 4 C k^L.
    grammars:
      preset === "tiny"
        ? [{ L: 2, k: 2 }]
        : preset === "quick"
          ? [
              { L: 3, k: 2 },
              { L: 4, k: 2 },
              { L: 3, k: 3 },
            ]
          : [
              { L: 3, k: 2 },
              { L: 4, k: 2 },
              { L: 3, k: 3 },
              { L: 3, k: 4 },
              { L: 4, k: 3 },
            ],
    archs: preset === "full" ? ["convnet", "flat", "mlp"] : ["convnet"],
    ablationMaxL: 3,
    ratios: preset === "tiny" ? [0.5, 2] : preset === "quick" ? [0.25, 1, 4] : [0.125, 0.25, 0.5, 1, 2, 4, 8],
    seeds: { grammar: 0, data: 1, init: 2, noise: 3 },
    repeats: preset === "tiny" ? 2 : 3,
    train: {
      width: preset === "tiny" ? 8 : 32,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : preset === "quick" ? 200 : 700,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : preset === "quick" ? 512 : 1024,
    },
  };
}

export const pStar = (C: number, k: number, L: number): number => C * k ** L;
const label = (a: unknown): string => ARCH_LABEL[String(a)] ?? String(a);
const gname = (L: unknown, k: unknown): string => `L=${L}, k=${k}`;

/** Seed means with 95% intervals per (L, k, arch, P). */
export function aggregateSampleComplexity(rows: Row[]): Row[] {
  return aggregateSeeds(rows, ["L", "k", "grammar", "arch", "P", "Pstar", "ratio"], [...CLASSIFIER_FIELDS]);
}

export interface CurveCrossing {
  L: number;
  k: number;
  arch: string;
  Pstar: number;
  /** Crossing of the half-chance level by the seed-mean unseen error, on the P / (C k^L) axis and on the raw P axis. */
  ratio: ThresholdBounds;
  P: ThresholdBounds;
}

/** Half of the chance error 1 - 1/C. */
export const halfChance = (C: number): number => (1 - 1 / C) / 2;

export function crossings(c: SampleComplexityConfig, rows: Row[]): CurveCrossing[] {
  const level = halfChance(c.grammar.classes);
  const out: CurveCrossing[] = [];
  for (const g of groupRows(rows, ["L", "k", "arch"])) {
    const r = curvePoints(g.rows, "ratio", "unseenError");
    const p = curvePoints(g.rows, "P", "unseenError");
    if (r.length === 0) continue;
    out.push({
      L: g.key.L as number,
      k: g.key.k as number,
      arch: String(g.key.arch),
      Pstar: g.rows[0].Pstar as number,
      ratio: thresholdBounds(r, level),
      P: thresholdBounds(p, level),
    });
  }
  return out;
}

/** log10 spread (max - min) of the seed-mean crossings that lie in the grid. */
function logSpread(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const l = xs.map(Math.log10);
  return Math.max(...l) - Math.min(...l);
}

/**
 * The collapse verdict for the first architecture, from its crossings on the two axes.
 * Rule: with at least two grammars whose seed-mean curve crosses half-chance inside
 * the grid, SUPPORTED when every pair of ratio crossings has overlapping bounds (the
 * curves agree on P / (C k^L)) while some pair of raw-P crossings has disjoint bounds
 * (they do not agree on P); NOT SUPPORTED when some pair of ratio bounds is disjoint
 * (grammars not crossing in the grid enter with their one-sided bounds); otherwise
 * INCONCLUSIVE (both axes agree within the intervals, or too few crossings).
 */
export function collapseVerdict(c: SampleComplexityConfig, cr: CurveCrossing[]): Verdict {
  const arch = c.archs[0];
  const mine = cr.filter((x) => x.arch === arch);
  const hypothesis = `the ${label(arch)}'s unseen test-error curves of different (L, k) collapse against P / (C k^L) (Cagnetta et al. 2024)`;
  const quantity = `per grammar, the P / (C k^L) and the raw P where the seed-mean unseen error crosses half of chance (${fmt(halfChance(c.grammar.classes), 3)}), with the bounds where the 95% band's edges cross; log10 spread (max - min) of the crossings on each axis`;
  const crossed = mine.filter((x) => x.ratio.mean.status === "crossed");
  const rs = logSpread(crossed.map((x) => (x.ratio.mean.status === "crossed" ? x.ratio.mean.x : NaN)));
  const ps = logSpread(crossed.map((x) => (x.P.mean.status === "crossed" ? x.P.mean.x : NaN)));
  const measured = `${mine.map((x) => `${gname(x.L, x.k)}: ratio ${describeBounds(x.ratio)}, P ${describeBounds(x.P)}`).join("; ")}. log10 spread of crossings: ratio ${rs === null ? "—" : fmt(rs, 3)}, raw P ${ps === null ? "—" : fmt(ps, 3)}`;
  const pairs = <T>(xs: T[]): [T, T][] => xs.flatMap((a, i) => xs.slice(i + 1).map((b) => [a, b] as [T, T]));
  const ratioSplit = pairs(mine).find(([a, b]) => disjoint(a.ratio, b.ratio));
  if (ratioSplit)
    return {
      hypothesis,
      quantity,
      measured,
      verdict: "not supported",
      why: `rule: not supported when two grammars' ratio crossings have disjoint bounds; ${gname(ratioSplit[0].L, ratioSplit[0].k)} and ${gname(ratioSplit[1].L, ratioSplit[1].k)} do`,
    };
  if (crossed.length < 2)
    return {
      hypothesis,
      quantity,
      measured,
      verdict: "inconclusive",
      why: `rule: needs at least two grammars whose curve crosses half-chance inside the grid; ${crossed.length} did`,
    };
  const rawSplit = pairs(crossed).find(([a, b]) => disjoint(a.P, b.P));
  if (rawSplit)
    return {
      hypothesis,
      quantity,
      measured,
      verdict: "supported",
      why: `rule: supported when every pair of ratio crossings overlaps within its bounds while some pair of raw-P crossings is disjoint (${gname(rawSplit[0].L, rawSplit[0].k)} against ${gname(rawSplit[1].L, rawSplit[1].k)}): the rescaling by C k^L is what makes them agree`,
    };
  return {
    hypothesis,
    quantity,
    measured,
    verdict: "inconclusive",
    why: "rule: the ratio crossings agree within their bounds, but so do the raw-P crossings, so the grid cannot tell a collapse on P / (C k^L) from one on P",
  };
}

/**
 * The exponent of P* against C k^L for the first architecture: a power-law fit of the
 * seed-mean raw-P crossings of the grammars that cross in the grid. Rule: SUPPORTED
 * when the slope's 95% interval contains 1 and lies within [0.5, 1.5]; NOT SUPPORTED
 * when it excludes 1; otherwise (too wide, or fewer than three distinct C k^L) INCONCLUSIVE.
 */
export function exponentVerdict(
  c: SampleComplexityConfig,
  cr: CurveCrossing[],
): { verdict: Verdict; fit: ReturnType<typeof fitPowerLaw> | null } {
  const arch = c.archs[0];
  const pts = cr
    .filter((x) => x.arch === arch && x.P.mean.status === "crossed")
    .map((x) => ({ s: x.Pstar, p: x.P.mean.status === "crossed" ? x.P.mean.x : NaN }));
  const hypothesis = `the ${label(arch)}'s sample complexity P* grows like C k^L (exponent 1)`;
  const quantity =
    "slope of log P* (half-chance crossing of the unseen error) against log C k^L over the grammars that cross in the grid, with its 95% t interval";
  if (new Set(pts.map((p) => p.s)).size < 3)
    return {
      fit: null,
      verdict: {
        hypothesis,
        quantity,
        measured: `${pts.length} crossings in the grid`,
        verdict: "inconclusive",
        why: "rule: needs crossings for at least three distinct C k^L to fit a slope with an interval",
      },
    };
  const fit = fitPowerLaw(
    pts.map((p) => p.s),
    pts.map((p) => p.p),
  );
  const measured = `${fmt(fit.slope, 3)} [${fmt(fit.slopeLo!, 3)}, ${fmt(fit.slopeHi!, 3)}] (r² ${fmt(fit.r2, 3)}, ${fit.n} grammars)`;
  const lo = fit.slopeLo!;
  const hi = fit.slopeHi!;
  if (lo > 1 || hi < 1)
    return {
      fit,
      verdict: {
        hypothesis,
        quantity,
        measured,
        verdict: "not supported",
        why: "rule: not supported when the slope's 95% interval excludes 1",
      },
    };
  if (lo >= 0.5 && hi <= 1.5)
    return {
      fit,
      verdict: {
        hypothesis,
        quantity,
        measured,
        verdict: "supported",
        why: "rule: supported when the slope's 95% interval contains 1 and lies within [0.5, 1.5]",
      },
    };
  return {
    fit,
    verdict: {
      hypothesis,
      quantity,
      measured,
      verdict: "inconclusive",
      why: "rule: the interval contains 1 but is wider than [0.5, 1.5]",
    },
  };
}

function figureRows(agg: Row[], x: string): Row[] {
  const out: Row[] = [];
  for (const r of agg) {
    for (const [set, f] of [
      ["unseen", "unseenError"],
      ["population", "testError"],
    ] as const) {
      out.push({
        [x]: r[x],
        panel: `${label(r.arch)}, ${set}`,
        grammar: String(r.grammar),
        value: r[f],
        lo: r[`${f}Lo`],
        hi: r[`${f}Hi`],
      });
    }
  }
  return out;
}

export const sampleComplexity: Experiment<SampleComplexityConfig> = {
  name: "sample-complexity",
  title: "Sample complexity on the Random Hierarchy Model: unseen test error against P / (C k^L)",
  claim:
    "a ConvNet learning an RHM with C classes, k rules per symbol and depth L needs about P* ~ C k^L samples (Cagnetta et al. 2024, P* ~ n_c m^L in their notation): test-error curves for different (L, k) collapse against P / (C k^L).",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    withRepeats(
      c.grammars.flatMap(({ L, k }) =>
        c.archs
          .filter((_arch, i) => i === 0 || L <= c.ablationMaxL)
          .flatMap((arch) => {
            const ps = [...new Set(c.ratios.map((r) => Math.max(1, Math.round(r * pStar(c.grammar.classes, k, L)))))];
            return ps.map((P) => ({ id: `${arch}-L${L}-k${k}-P${P}`, params: { arch, L, k, P } }));
          }),
      ),
      c.repeats,
    ),
  async run(c, job, ctx) {
    const { arch, L, k, P, rep } = job.params as {
      arch: "convnet" | "flat" | "mlp";
      L: number;
      k: number;
      P: number;
      rep: number;
    };
    const grammar = { ...c.grammar, k, depth: L };
    const r = await trainJob(
      { task: "classifier", arch, grammar, seeds: seedsOf(c.seeds, rep), train: c.train, P },
      job.id,
      ctx,
    );
    const star = pStar(c.grammar.classes, k, L);
    return [
      {
        L,
        k,
        grammar: gname(L, k),
        arch,
        P,
        Pstar: star,
        ratio: P / star,
        rep,
        ...classifierFields(r.eval),
        trainS: r.eval.elapsedS,
      },
    ];
  },
  figures(c, rows) {
    const agg = aggregateSampleComplexity(rows);
    const chance = 1 - 1 / c.grammar.classes;
    const common = {
      color: { field: "grammar", title: "grammar" },
      interval: { lo: "lo", hi: "hi" },
      column: { field: "panel", title: "architecture, test set" },
      y: { field: "value", title: `test error (chance ${fmt(chance, 3)})`, domain: [0, 1] as [number, number] },
    };
    return [
      {
        name: "error-vs-ratio",
        title: `Test error against P / (C k^L), unseen and population test sets: the Cagnetta et al. collapse (mean of ${c.repeats} seeds, 95% intervals)`,
        spec: lineChart({
          ...common,
          title: "Test error against P / (C k^L)",
          rows: figureRows(agg, "ratio"),
          x: { field: "ratio", title: "P / (C k^L)", scale: "log" },
        }),
      },
      {
        name: "error-vs-P",
        title: "Test error against the raw number of training samples P",
        spec: lineChart({
          ...common,
          title: "Test error against P",
          rows: figureRows(agg, "P"),
          x: { field: "P", title: "training samples P", scale: "log" },
        }),
      },
    ];
  },
  summarize(c, rows) {
    const agg = aggregateSampleComplexity(rows);
    const iv = (r: Row, f: string): string =>
      r[f] === null
        ? "—"
        : r[`${f}Lo`] === r[`${f}Hi`]
          ? fmt(r[f] as number, 3)
          : `${fmt(r[f] as number, 3)} [${fmt(r[`${f}Lo`] as number, 3)}, ${fmt(r[`${f}Hi`] as number, 3)}]`;
    const table = agg.map((r) => {
      const rs = rows.filter((x) => x.L === r.L && x.k === r.k && x.arch === r.arch && x.P === r.P);
      return [
        String(r.grammar),
        label(r.arch),
        r.Pstar as number,
        r.P as number,
        fmt(r.ratio as number, 3),
        r.n as number,
        iv(r, "unseenError"),
        iv(r, "testError"),
        iv(r, "unseenBayesError"),
        iv(r, "overlap"),
        Math.min(...rs.map((x) => x.unseenCount as number)),
        unseenShortfall(rs) ?? "",
      ];
    });
    const cr = crossings(c, rows);
    const headline: Record<string, number | string | null> = {};
    for (const x of cr) {
      headline[`${x.arch} ${gname(x.L, x.k)}: P/(C k^L) at half-chance`] =
        x.ratio.mean.status === "crossed" ? x.ratio.mean.x : describeBounds(x.ratio);
    }
    const collapse = collapseVerdict(c, cr);
    const { verdict: exponent, fit } = exponentVerdict(c, cr);
    if (fit) headline[`${c.archs[0]} exponent of P* in C k^L`] = fit.slope;
    const findings: string[] = [];
    for (const arch of c.archs) {
      const xs = cr.filter((x) => x.arch === arch);
      if (xs.length === 0) continue;
      findings.push(
        `${label(arch)}: P / (C k^L) where the unseen error falls to half of chance (${fmt(halfChance(c.grammar.classes), 3)}): ${xs.map((x) => `${gname(x.L, x.k)} (C k^L = ${x.Pstar}): ${describeBounds(x.ratio)}, raw P ${describeBounds(x.P)}`).join("; ")}.`,
      );
    }
    const shortfalls = groupRows(rows, ["grammar", "arch", "P"])
      .map((g) => [g.key, unseenShortfall(g.rows)] as const)
      .filter(([, s]) => s !== null);
    if (shortfalls.length)
      findings.push(
        `Unseen sets smaller than asked for at ${shortfalls.map(([k]) => `${k.grammar} ${label(k.arch)} P = ${k.P}`).join("; ")} (e.g. ${shortfalls[0][1]}); their unseen errors rest on fewer sequences.`,
      );
    else
      findings.push(
        `Every unseen test set has the requested ${c.train.testSize} sequences, none of them a training sequence.`,
      );
    findings.push(
      `${c.repeats} seeds per point (grammar, data, init, noise); width ${c.train.width}, ${c.train.steps} Adam steps per run (batch ${c.train.batchSize}, capped at P); RHM S = ${c.grammar.S}, C = ${c.grammar.classes}, m = ${c.grammar.arity}${c.archs.length > 1 ? `; ablations on L <= ${c.ablationMaxL} only` : ""}. A fixed step budget means large P may be under-trained: the crossings measure this training budget, not the paper's trained-to-convergence networks.`,
    );
    return {
      header: [
        "grammar",
        "arch",
        "C k^L",
        "P",
        "P / (C k^L)",
        "seeds",
        "unseen error",
        "population error",
        "Bayes unseen error",
        "overlap",
        "unseen count (min over seeds)",
        "unseen note",
      ],
      rows: table,
      headline,
      findings,
      verdicts: [collapse, exponent],
    };
  },
};
