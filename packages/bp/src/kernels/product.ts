/**
 * Product kernels, one parent node at a time (SPEC.md section 3):
 *   q_{l,c}(a) = log sum_b M_{l,j}[a,b] exp(u_{l,c}(b)),   u_{l-1,p} = sum_j q_{l,mp+j}
 *   w_{l,c}(b) = log sum_a M_{l,j}[a,b] exp(w_{l-1,p}(a) + sum_{k != j} q_{l,mp+k}(a)).
 * Child messages have max 0, so their exponentials lie in [0, 1] and the sums are
 * matrix-vector products in the exp domain; q stays in the log domain so that
 * combining m children cannot underflow. The sum over siblings k != j is formed
 * directly rather than as u - q, because u - q is NaN when both are -Infinity.
 * Any single sum that comes out below TINY (evidence concentrated where M is small or
 * zero, so its terms may have underflowed) is redone as an exact log-sum-exp; every
 * sum kept from the exp domain is >= TINY, so what it lost to underflow is below
 * 2^-574 of it.
 */
import { ProductLevel } from "../compile";
import { TINY, shiftToMaxZero } from "../logspace";
import { Scratch, fillRange } from "./scratch";

/**
 * Upward step for one parent: reads its m contiguous children at u[cOff..], writes
 * q for them at q[qOff..] ([m, Sp]) and the max-0 parent message at out[pOff..];
 * returns the shift (log-scale) taken out, -Infinity if the subtree is impossible.
 */
export function productUp(
  lv: ProductLevel,
  u: Float64Array,
  cOff: number,
  out: Float64Array,
  pOff: number,
  q: Float64Array,
  qOff: number,
  s: Scratch,
): number {
  const { m, Sp, Sc } = lv;
  const v = s.v;
  const idx = s.idx;
  const t = s.t;
  for (let a = 0; a < Sp; a++) out[pOff + a] = 0;
  for (let j = 0; j < m; j++) {
    const M = lv.M[j];
    const c = cOff + j * Sc;
    let nnz = 0;
    for (let b = 0; b < Sc; b++) {
      const x = Math.exp(u[c + b]);
      if (x !== 0) {
        idx[nnz] = b;
        v[nnz++] = x;
      }
    }
    if (nnz === Sc) {
      // Two rows at a time: each loaded v[b] feeds two accumulators.
      let a = 0;
      for (; a + 1 < Sp; a += 2) {
        const r0 = a * Sc;
        const r1 = r0 + Sc;
        let acc0 = 0;
        let acc1 = 0;
        for (let b = 0; b < Sc; b++) {
          const vb = v[b];
          acc0 += M[r0 + b] * vb;
          acc1 += M[r1 + b] * vb;
        }
        t[a] = acc0;
        t[a + 1] = acc1;
      }
      if (a < Sp) {
        const r0 = a * Sc;
        let acc = 0;
        for (let b = 0; b < Sc; b++) acc += M[r0 + b] * v[b];
        t[a] = acc;
      }
    } else {
      for (let a = 0; a < Sp; a++) {
        const row = a * Sc;
        let acc = 0;
        for (let k = 0; k < nnz; k++) acc += M[row + idx[k]] * v[k];
        t[a] = acc;
      }
    }
    const qj = qOff + j * Sp;
    for (let a = 0; a < Sp; a++) q[qj + a] = t[a] >= TINY ? Math.log(t[a]) : productUpExact(lv.logM[j], a, Sc, u, c);
    for (let a = 0; a < Sp; a++) out[pOff + a] += q[qj + a];
  }
  return shiftToMaxZero(out, pOff, Sp);
}

/** q(a) = log sum_b exp(logM[a,b] + u(b)) for one a, with its own max. */
function productUpExact(logM: Float64Array, a: number, Sc: number, u: Float64Array, c: number): number {
  const row = a * Sc;
  let mx = -Infinity;
  for (let b = 0; b < Sc; b++) {
    const z = logM[row + b] + u[c + b];
    if (z > mx) mx = z;
  }
  if (mx === -Infinity) return -Infinity;
  let sum = 0;
  for (let b = 0; b < Sc; b++) sum += Math.exp(logM[row + b] + u[c + b] - mx);
  return mx + Math.log(sum);
}

/**
 * Downward step for one parent: from its message w[pOff..] and the children's q at
 * q[qOff..], writes the m children's max-0 messages at wc[cOff..].
 */
export function productDown(
  lv: ProductLevel,
  q: Float64Array,
  qOff: number,
  w: Float64Array,
  pOff: number,
  wc: Float64Array,
  cOff: number,
  s: Scratch,
): void {
  const { m, Sp, Sc } = lv;
  const r = s.t;
  const x = s.x;
  for (let j = 0; j < m; j++) {
    const c = cOff + j * Sc;
    let R = -Infinity;
    for (let a = 0; a < Sp; a++) {
      let z = w[pOff + a];
      for (let k = 0; k < m; k++) if (k !== j) z += q[qOff + k * Sp + a];
      r[a] = z;
      if (z > R) R = z;
    }
    if (R === -Infinity) {
      fillRange(wc, c, Sc, -Infinity);
      continue;
    }
    for (let a = 0; a < Sp; a++) x[a] = Math.exp(r[a] - R);
    const MT = lv.MT[j];
    // Rows of M sum to 1 (checked at compile time), so sum_b y(b) = sum_a x(a) >= 1
    // and ymax >= 1/Sc: the shift log(ymax) never needs the log domain, single
    // entries y(b) may.
    let ymax = 0;
    for (let b = 0; b < Sc; b++) {
      const row = b * Sp;
      let acc = 0;
      for (let a = 0; a < Sp; a++) acc += MT[row + a] * x[a];
      wc[c + b] = acc;
      if (acc > ymax) ymax = acc;
    }
    const logYmax = Math.log(ymax);
    for (let b = 0; b < Sc; b++) {
      const y = wc[c + b];
      wc[c + b] = (y >= TINY ? Math.log(y) : productDownExact(lv.logM[j], b, Sp, Sc, r) - R) - logYmax;
    }
  }
}

/** log sum_a exp(logM[a,b] + r(a)) for one b, with its own max. */
function productDownExact(logM: Float64Array, b: number, Sp: number, Sc: number, r: Float64Array): number {
  let mx = -Infinity;
  for (let a = 0; a < Sp; a++) {
    const z = logM[a * Sc + b] + r[a];
    if (z > mx) mx = z;
  }
  if (mx === -Infinity) return -Infinity;
  let sum = 0;
  for (let a = 0; a < Sp; a++) sum += Math.exp(logM[a * Sc + b] + r[a] - mx);
  return mx + Math.log(sum);
}
