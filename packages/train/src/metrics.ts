/**
 * Test metrics from per-row predictions (SPEC.md section 6), computed in float64
 * on the host so that the learned and the Bayes values go through the same code.
 */
import { softmaxRows } from "@ghmkit/nets";

/** Classification: accuracy and mean cross-entropy -log p(y | x) of probabilities `[n, C]`. */
export interface ClassifierMetrics {
  accuracy: number;
  crossEntropy: number;
}

/** Denoising: MSE = mean over rows and leaves of ||pred_i - onehot(x_i)||^2, and the per-leaf cross-entropy. */
export interface DenoiserMetrics {
  mse: number;
  crossEntropy: number;
}

/** Smallest probability whose log is taken: keeps a confident miss finite (-log 1e-300 ~ 690). */
const P_FLOOR = 1e-300;

/** Softmax per row: nets' one (the denoiser adapter uses it too). */
export { softmaxRows };

/** Accuracy (argmax, first maximum on ties) and cross-entropy of class probabilities `[n, C]` against labels y. */
export function classifierMetrics(prob: ArrayLike<number>, y: Int32Array, C: number): ClassifierMetrics {
  const n = y.length;
  if (prob.length !== n * C)
    throw new RangeError(`classifierMetrics: ${prob.length} probabilities, expected n*C = ${n * C}`);
  let hits = 0;
  let ce = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (prob[r * C + c] > prob[r * C + best]) best = c;
    if (best === y[r]) hits++;
    ce -= Math.log(Math.max(prob[r * C + y[r]], P_FLOOR));
  }
  return { accuracy: hits / n, crossEntropy: ce / n };
}

/** Per-row squared error sum_i ||pred_i - onehot(x_i)||^2 / d of leaf probabilities `[n, d, S]`. */
export function rowMse(prob: ArrayLike<number>, x: Int32Array, n: number, d: number, S: number): Float64Array {
  if (prob.length !== n * d * S || x.length !== n * d)
    throw new RangeError(`rowMse: shapes do not match n = ${n}, d = ${d}, S = ${S}`);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let se = 0;
    for (let i = 0; i < d; i++) {
      const o = (r * d + i) * S;
      const t = x[r * d + i];
      for (let s = 0; s < S; s++) {
        const diff = prob[o + s] - (s === t ? 1 : 0);
        se += diff * diff;
      }
    }
    out[r] = se / d;
  }
  return out;
}

/** MSE and per-leaf cross-entropy of leaf probabilities `[n, d, S]` against the clean leaves x (`[n, d]`). */
export function denoiserMetrics(
  prob: ArrayLike<number>,
  x: Int32Array,
  n: number,
  d: number,
  S: number,
): DenoiserMetrics & { rowMse: Float64Array } {
  const mse = rowMse(prob, x, n, d, S);
  let ce = 0;
  for (let i = 0; i < n * d; i++) ce -= Math.log(Math.max(prob[i * S + x[i]], P_FLOOR));
  return { mse: mean(mse), crossEntropy: ce / (n * d), rowMse: mse };
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length === 0 ? NaN : s / a.length;
}
