/**
 * Log-domain helpers shared by the kernels' exact fallbacks, MAP, sampling and the
 * brute-force oracle. `-Infinity` is a legal value everywhere; NaN never is.
 */

/**
 * Contributions below this (relative to a node's largest entry of 1) are where the
 * exp-domain fast paths hand over to the log domain: 2^-500 leaves ~500 binary
 * orders of magnitude of headroom above the float64 underflow at 2^-1074.
 */
export const TINY = 2 ** -500;

/**
 * Products of exp-domain factors (each <= 1) are trusted at or above this: every
 * partial product is then a normal float, and the factors' own underflowed terms
 * (< 2^-1074) are below 2^-74 of them.
 */
export const LOW = 2 ** -1000;

/** log sum_i exp(x[off + i]) over n entries; -Infinity when all are -Infinity. */
export function logSumExp(x: ArrayLike<number>, off: number, n: number): number {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) if (x[off + i] > mx) mx = x[off + i];
  if (mx === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[off + i] - mx);
  return mx + Math.log(s);
}

/**
 * Shift x[off .. off+n) so that its max is 0 and return the shift. An all -Infinity
 * vector is left as is and -Infinity returned (the caller marks the row impossible),
 * which avoids the NaN of -Infinity - -Infinity.
 */
export function shiftToMaxZero(x: Float64Array, off: number, n: number): number {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) if (x[off + i] > mx) mx = x[off + i];
  if (mx === -Infinity) return -Infinity;
  for (let i = 0; i < n; i++) x[off + i] -= mx;
  return mx;
}

/** log of every entry (0 -> -Infinity). */
export function logOf(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.log(a[i]);
  return out;
}
