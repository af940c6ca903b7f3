/**
 * y[yOff + a] = sum_b A[a * cols + b] x[xOff + b] for a < rows: the product kernels'
 * matrix-vector step. Four rows at a time, so each loaded x[b] feeds four independent
 * accumulators (no loop-carried dependency between them); the max of the outputs
 * (the kernels' next step) is taken in the same pass.
 */

/** y = A x; returns max(0, max_a y[a]). */
export function gemvMax(
  A: Float64Array,
  rows: number,
  cols: number,
  x: Float64Array,
  xOff: number,
  y: Float64Array,
  yOff: number,
): number {
  let mx = 0;
  let a = 0;
  for (; a + 3 < rows; a += 4) {
    const r0 = a * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let b = 0; b < cols; b++) {
      const xb = x[xOff + b];
      s0 += A[r0 + b] * xb;
      s1 += A[r1 + b] * xb;
      s2 += A[r2 + b] * xb;
      s3 += A[r3 + b] * xb;
    }
    y[yOff + a] = s0;
    y[yOff + a + 1] = s1;
    y[yOff + a + 2] = s2;
    y[yOff + a + 3] = s3;
    if (s0 > mx) mx = s0;
    if (s1 > mx) mx = s1;
    if (s2 > mx) mx = s2;
    if (s3 > mx) mx = s3;
  }
  for (; a < rows; a++) {
    const r0 = a * cols;
    let s0 = 0;
    for (let b = 0; b < cols; b++) s0 += A[r0 + b] * x[xOff + b];
    y[yOff + a] = s0;
    if (s0 > mx) mx = s0;
  }
  return mx;
}

/** t = A x over the nnz nonzero entries val[k] at positions idx[k] of x. */
export function gemvSparse(
  A: Float64Array,
  rows: number,
  cols: number,
  idx: Int32Array,
  val: Float64Array,
  nnz: number,
  y: Float64Array,
  yOff: number,
): void {
  for (let a = 0; a < rows; a++) {
    const r0 = a * cols;
    let s0 = 0;
    for (let k = 0; k < nnz; k++) s0 += A[r0 + idx[k]] * val[k];
    y[yOff + a] = s0;
  }
}
