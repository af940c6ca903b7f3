/**
 * Helpers shared by classification and sample-complexity: held-out fields of one
 * training evaluation as flat row fields, the bounds of a sample-size threshold from
 * the seed band, and the interval comparisons their verdicts use.
 */
import type { EvalRecord } from "@ghmkit/train";
import { fmt } from "../format";
import type { Row } from "../report/charts";
import { crossing, describeCrossing, groupRows, intervalOf } from "../statistics";
import type { Crossing, Interval } from "../statistics";

/** Population and unseen error / cross-entropy (network and Bayes), overlap and unseen count of one classifier evaluation. */
export function classifierFields(e: EvalRecord): Row {
  const u = e.unseen;
  return {
    testError: 1 - e.accuracy!,
    bayesError: 1 - e.bayesAccuracy!,
    crossEntropy: e.crossEntropy,
    bayesCrossEntropy: e.bayesCrossEntropy,
    unseenError: u ? 1 - u.accuracy! : null,
    unseenBayesError: u ? 1 - u.bayesAccuracy! : null,
    unseenCrossEntropy: u ? u.crossEntropy : null,
    unseenBayesCrossEntropy: u ? u.bayesCrossEntropy : null,
    /** Bayes accuracy - accuracy on the unseen set (per seed, paired). */
    unseenGap: u ? u.bayesAccuracy! - u.accuracy! : null,
    overlap: e.overlap,
    unseenCount: e.unseenCount,
    unseenRequested: e.unseenRequested,
    unseenNote: e.unseenNote ?? null,
  };
}

/** The numeric fields classifierFields() writes that are averaged over seeds. */
export const CLASSIFIER_FIELDS = [
  "testError",
  "bayesError",
  "crossEntropy",
  "bayesCrossEntropy",
  "unseenError",
  "unseenBayesError",
  "unseenCrossEntropy",
  "unseenBayesCrossEntropy",
  "unseenGap",
  "overlap",
  "unseenCount",
];

/**
 * Bounds of the threshold x* (first x where the curve falls to `level`) from the seed
 * band: lo where the optimistic edge (the interval's lower end) crosses, hi where the
 * pessimistic edge (its upper end) does. lo = 0 when even the grid's first point is
 * past the level on the optimistic edge (x* could lie anywhere below), lo = last grid
 * point when the optimistic edge never crosses; hi = first grid point when the
 * pessimistic edge is already past it, Infinity when it never crosses.
 */
export interface ThresholdBounds {
  /** The crossing of the seed mean (the estimate). */
  mean: Crossing;
  lo: number;
  hi: number;
}

export function thresholdBounds(points: { x: number; y: Interval }[], level: number, logX?: boolean): ThresholdBounds {
  const edge = (pick: (iv: Interval) => number): Crossing =>
    crossing(
      points.map((p) => ({ x: p.x, y: { ...p.y, mean: pick(p.y) } })),
      level,
      { direction: "down", logX },
    );
  const lo = edge((iv) => iv.lo);
  const hi = edge((iv) => iv.hi);
  return {
    mean: crossing(points, level, { direction: "down", logX }),
    lo: lo.status === "crossed" ? lo.x : lo.status === "below-grid" ? 0 : lo.last,
    hi: hi.status === "crossed" ? hi.x : hi.status === "below-grid" ? hi.first : Infinity,
  };
}

/** "412 [300, 530]" / "< 32 ..." / "> 4096 (not reached in the grid)", with the band's bounds when they are informative. */
export function describeBounds(b: ThresholdBounds, f: (x: number) => string = (x) => fmt(x, 3)): string {
  const band = `band [${b.lo === 0 ? "0" : f(b.lo)}, ${Number.isFinite(b.hi) ? f(b.hi) : "∞"}]`;
  if (b.mean.status === "crossed") return `${f(b.mean.x)} (${band})`;
  return `${describeCrossing(b.mean, f)}; ${band}`;
}

/** The points {x, y: seed interval of `field`} of the rows of one curve, sorted by x; x values without a finite y are skipped. */
export function curvePoints(rows: Row[], x: string, field: string): { x: number; y: Interval }[] {
  return groupRows(rows, [x])
    .map((g) => ({ x: g.key[x] as number, y: intervalOf(g.rows, field) }))
    .filter((p): p is { x: number; y: Interval } => p.y !== null)
    .sort((a, b) => a.x - b.x);
}

/** Two threshold intervals are disjoint (one lies wholly below the other). */
export const disjoint = (a: { lo: number; hi: number }, b: { lo: number; hi: number }): boolean =>
  a.hi < b.lo || b.hi < a.lo;

/** A note when a point's unseen set is smaller than asked for (or empty), else null. */
export function unseenShortfall(rows: Row[]): string | null {
  const short = rows.filter(
    (r) =>
      typeof r.unseenCount === "number" &&
      typeof r.unseenRequested === "number" &&
      (r.unseenCount as number) < (r.unseenRequested as number),
  );
  if (short.length === 0) return null;
  const min = Math.min(...short.map((r) => r.unseenCount as number));
  return `${short.length} of ${rows.length} seed runs found fewer unseen test sequences than asked for (fewest: ${min} of ${short[0].unseenRequested}): the training set covers most of the grammar's support`;
}
