/**
 * Least-squares line y = a + b x with a 95% t interval on the slope; power laws
 * y = c x^b are fitted as lines in log-log coordinates.
 */
import { t975 } from "./interval";

export interface LineFit {
  intercept: number;
  slope: number;
  /** 95% interval of the slope; null with fewer than 3 points (no residual degree of freedom). */
  slopeLo: number | null;
  slopeHi: number | null;
  /** Coefficient of determination. */
  r2: number;
  n: number;
}

export function fitLine(xs: number[], ys: number[]): LineFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`fitLine: ${n} x values but ${ys.length} y values`);
  if (n < 2) throw new RangeError("fitLine: at least 2 points are needed");
  if ([...xs, ...ys].some((v) => !Number.isFinite(v))) throw new RangeError("fitLine: non-finite value");
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) throw new RangeError("fitLine: every x is the same, so no slope can be fitted");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const r2 = syy === 0 ? 1 : 1 - sse / syy;
  if (n < 3) return { intercept, slope, slopeLo: null, slopeHi: null, r2, n };
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const h = t975(n - 2) * se;
  return { intercept, slope, slopeLo: slope - h, slopeHi: slope + h, r2, n };
}

/** y = c x^b: the fit of log y on log x (every x and y must be > 0). */
export function fitPowerLaw(xs: number[], ys: number[]): LineFit {
  if ([...xs, ...ys].some((v) => !(v > 0))) throw new RangeError("fitPowerLaw: every x and y must be > 0");
  return fitLine(xs.map(Math.log), ys.map(Math.log));
}
