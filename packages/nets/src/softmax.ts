/** Softmax of each row of `[rows, K]` logits, in float64 (max-shifted); a non-finite row is refused. */
export function softmaxRows(logits: ArrayLike<number>, rows: number, K: number): Float64Array {
  if (logits.length !== rows * K)
    throw new RangeError(`softmaxRows: ${logits.length} logits, expected rows*K = ${rows * K}`);
  const p = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    const o = r * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, logits[o + k]);
    if (!Number.isFinite(mx))
      throw new RangeError(`softmaxRows: row ${r} has a non-finite logit (${mx}); the network diverged`);
    let z = 0;
    for (let k = 0; k < K; k++) z += p[o + k] = Math.exp(logits[o + k] - mx);
    for (let k = 0; k < K; k++) p[o + k] /= z;
  }
  return p;
}
