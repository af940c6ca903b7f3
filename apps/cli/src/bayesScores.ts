/** Scores of the Bayes-optimal predictors that BP gives, against the clean data. */

/** Accuracy and cross-entropy of the root posterior `[n, C]` against classes y, over the rows with possible evidence. */
export function classScores(root: Float64Array, y: Int32Array, C: number, impossible: Uint8Array) {
  let correct = 0;
  let ce = 0;
  let skipped = 0;
  for (let b = 0; b < y.length; b++) {
    if (impossible[b]) {
      skipped++;
      continue;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (root[b * C + c] > root[b * C + best]) best = c;
    if (best === y[b]) correct++;
    ce -= Math.log(Math.max(root[b * C + y[b]], Number.MIN_VALUE));
  }
  const scored = y.length - skipped;
  return { accuracy: scored ? correct / scored : null, crossEntropy: scored ? ce / scored : null, impossible: skipped };
}

/** MSE = mean_i ||p_i - onehot(x_i)||^2 and argmax accuracy of leaf marginals `[n * d, S]` against the clean leaves x. */
export function leafScores(leaves: Float64Array, x: Int32Array, S: number) {
  let se = 0;
  let hits = 0;
  for (let i = 0; i < x.length; i++) {
    let best = 0;
    for (let s = 0; s < S; s++) {
      const p = leaves[i * S + s];
      const t = s === x[i] ? 1 : 0;
      se += (p - t) * (p - t);
      if (p > leaves[i * S + best]) best = s;
    }
    if (best === x[i]) hits++;
  }
  return { mse: se / x.length, accuracy: hits / x.length };
}
