/**
 * Means over independent seeds with a Student-t 95% interval. Seeds per point are
 * few (3-5), where the t quantile matters (4.30 at n = 3 against 1.96 for the normal).
 */

/** Two-sided 95% Student-t quantiles t_{0.975, df}, df = 1..30. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}; beyond the table, the Cornish-Fisher expansion around the normal quantile (error < 1e-3). */
export function t975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`t975: df must be >= 1, got ${df}`);
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface Interval {
  mean: number;
  /** 95% interval of the mean; equal to the mean when n = 1 (no spread measurable). */
  lo: number;
  hi: number;
  /** Sample standard deviation (0 when n = 1). */
  sd: number;
  n: number;
}

/** Mean and 95% t interval of independent measurements; refuses an empty or non-finite list. */
export function meanInterval(xs: number[]): Interval {
  if (xs.length === 0) throw new RangeError("meanInterval: no values");
  if (xs.some((x) => !Number.isFinite(x)))
    throw new RangeError(`meanInterval: non-finite value in ${JSON.stringify(xs)}`);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, sd: 0, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = (t975(n - 1) * sd) / Math.sqrt(n);
  return { mean, lo: mean - h, hi: mean + h, sd, n };
}

/** "0.912 [0.874, 0.950]" (or just the mean for a single seed). */
export function formatInterval(iv: Interval, format: (x: number) => string): string {
  return iv.n > 1
    ? `${format(iv.mean)} [${format(iv.lo)}, ${format(iv.hi)}]`
    : `${format(iv.mean)} (1 seed, no interval)`;
}
