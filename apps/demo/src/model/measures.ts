/** Per-leaf predictions and their error against the clean sequence (SPEC.md section 6). */

/** MSE = mean_i ||pred_i - onehot(x_i)||^2 over the d leaves of one sequence; pred is `[d, S]`. */
export function leafMSE(pred: ArrayLike<number>, x: Int32Array, S: number): number {
  const d = x.length;
  if (pred.length !== d * S) throw new RangeError(`pred has ${pred.length} entries, expected d * S = ${d * S}`);
  let total = 0;
  for (let i = 0; i < d; i++) {
    for (let s = 0; s < S; s++) {
      const diff = pred[i * S + s] - (s === x[i] ? 1 : 0);
      total += diff * diff;
    }
  }
  return total / d;
}

/**
 * softmax(e_i) per leaf: the posterior of each leaf alone under a uniform prior, i.e.
 * the best guess that ignores the grammar. A leaf whose evidence is -Infinity
 * everywhere gets the uniform distribution (it carries no usable information).
 */
export function leafwisePosterior(e: Float64Array, S: number): Float64Array {
  const out = new Float64Array(e.length);
  for (let o = 0; o < e.length; o += S) {
    let mx = -Infinity;
    for (let s = 0; s < S; s++) mx = Math.max(mx, e[o + s]);
    if (mx === -Infinity) {
      out.fill(1 / S, o, o + S);
      continue;
    }
    let z = 0;
    for (let s = 0; s < S; s++) z += Math.exp(e[o + s] - mx);
    for (let s = 0; s < S; s++) out[o + s] = Math.exp(e[o + s] - mx) / z;
  }
  return out;
}

/** One-hot `[d, S]` of a sequence. */
export function oneHotRows(x: Int32Array, S: number): Float64Array {
  const out = new Float64Array(x.length * S);
  x.forEach((s, i) => (out[i * S + s] = 1));
  return out;
}

/** Index of the largest of `n` entries from `offset` (first on ties). */
export function argmax(p: ArrayLike<number>, offset = 0, n = p.length - offset): number {
  let best = 0;
  for (let s = 1; s < n; s++) if (p[offset + s] > p[offset + best]) best = s;
  return best;
}
