/**
 * Log-domain helpers shared by the kernels' exact fallbacks, MAP, sampling and the
 * brute-force oracle. `-Infinity` is a legal value everywhere; NaN never is.
 * Math functions are bound once here: under jest's vm sandbox a global lookup in a
 * hot loop costs ~15x the call itself.
 */
export const { exp, log, log1p } = Math;
export const NEG_INF = -Infinity;

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

/**
 * Exact log of entry i of an exp-domain message: v[i] itself when it is at least
 * TINY (so it carries full relative precision), else the exact log kept in ul[i].
 * Every writer of an exp-domain message keeps this invariant: v[i] < TINY implies
 * ul[i] = the exact log of the entry (-Infinity for a true zero).
 */
export function logAt(v: Float64Array, ul: Float64Array, i: number): number {
  const x = v[i];
  return x >= TINY ? log(x) : ul[i];
}

/** mx + log sum_k exp(terms[k] - mx) for the first n terms, whose max the caller already has as mx. */
export function sumExpShifted(terms: Float64Array, n: number, mx: number): number {
  if (mx === NEG_INF) return NEG_INF;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += exp(terms[k] - mx);
  return mx + log(sum);
}

/** log sum_i exp(x[off + i]) over n entries; -Infinity when all are -Infinity. */
export function logSumExp(x: ArrayLike<number>, off: number, n: number): number {
  let mx = NEG_INF;
  for (let i = 0; i < n; i++) if (x[off + i] > mx) mx = x[off + i];
  if (mx === NEG_INF) return NEG_INF;
  let s = 0;
  for (let i = 0; i < n; i++) s += exp(x[off + i] - mx);
  return mx + log(s);
}

/**
 * Shift x[off .. off+n) so that its max is 0 and return the shift. An all -Infinity
 * vector is left as is and -Infinity returned (the caller marks the row impossible),
 * which avoids the NaN of -Infinity - -Infinity.
 */
export function shiftToMaxZero(x: Float64Array, off: number, n: number): number {
  let mx = NEG_INF;
  for (let i = 0; i < n; i++) if (x[off + i] > mx) mx = x[off + i];
  if (mx === NEG_INF) return NEG_INF;
  for (let i = 0; i < n; i++) x[off + i] -= mx;
  return mx;
}

/** log of every entry (0 -> -Infinity). */
export function logOf(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = log(a[i]);
  return out;
}
