/**
 * Where a curve measured on a grid crosses a threshold, from the seed mean, with an
 * interval from the crossings of the pointwise 95% band. Interpolation is linear in
 * log x when the grid is log-spaced (sample sizes), else linear. A curve that never
 * crosses inside the grid says so instead of being clamped to an end point.
 */
import type { Interval } from "./interval";

export type Crossing =
  | { status: "crossed"; x: number; lo: number | null; hi: number | null }
  /** Already past the threshold at the first grid point: the crossing lies below the grid. */
  | { status: "below-grid"; first: number }
  /** Never past the threshold: the crossing lies above the grid (if anywhere). */
  | { status: "not-reached"; last: number };

export interface CrossingOptions {
  /** "down": first x where y <= level (errors falling); "up": first x where y >= level. */
  direction: "down" | "up";
  /** Interpolate in log x (default: true when every x > 0 and the grid spans more than a factor 4). */
  logX?: boolean;
}

function firstCross(xs: number[], ys: number[], level: number, down: boolean, logX: boolean): number | "below" | null {
  const past = (y: number): boolean => (down ? y <= level : y >= level);
  for (let i = 0; i < xs.length; i++) {
    if (!past(ys[i])) continue;
    if (i === 0) return "below";
    const t = (ys[i - 1] - level) / (ys[i - 1] - ys[i]);
    if (!logX) return xs[i - 1] + t * (xs[i] - xs[i - 1]);
    return Math.exp(Math.log(xs[i - 1]) + t * (Math.log(xs[i]) - Math.log(xs[i - 1])));
  }
  return null;
}

/** `points` sorted by x, each the seed interval of y there. */
export function crossing(points: { x: number; y: Interval }[], level: number, o: CrossingOptions): Crossing {
  if (points.length === 0) throw new RangeError("crossing: no points");
  const xs = points.map((p) => p.x);
  const logX = o.logX ?? (xs.every((x) => x > 0) && xs[xs.length - 1] / xs[0] > 4);
  const down = o.direction === "down";
  const at = firstCross(
    xs,
    points.map((p) => p.y.mean),
    level,
    down,
    logX,
  );
  if (at === "below") return { status: "below-grid", first: xs[0] };
  if (at === null) return { status: "not-reached", last: xs[xs.length - 1] };
  // The optimistic edge of the band crosses first, the pessimistic one last.
  const early = firstCross(
    xs,
    points.map((p) => (down ? p.y.lo : p.y.hi)),
    level,
    down,
    logX,
  );
  const late = firstCross(
    xs,
    points.map((p) => (down ? p.y.hi : p.y.lo)),
    level,
    down,
    logX,
  );
  return { status: "crossed", x: at, lo: early === "below" ? null : early, hi: late === "below" ? at : late };
}

/** "412 [300, 530]", "< 32 (below the grid)", "> 4096 (not reached in the grid)". */
export function describeCrossing(c: Crossing, format: (x: number) => string): string {
  if (c.status === "below-grid") return `< ${format(c.first)} (already reached at the grid's first point)`;
  if (c.status === "not-reached") return `> ${format(c.last)} (not reached in the grid)`;
  const lo = c.lo === null ? "below the grid" : format(c.lo);
  const hi = c.hi === null ? "beyond the grid" : format(c.hi);
  return `${format(c.x)} [${lo}, ${hi}]`;
}
