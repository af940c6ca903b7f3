/**
 * Product kernels, one parent node at a time (SPEC.md section 3):
 *   q_{l,c}(a) = log sum_b M_{l,j}[a,b] exp(u_{l,c}(b)),   u_{l-1,p} = sum_j q_{l,mp+j}
 *   w_{l,c}(b) = log sum_a M_{l,j}[a,b] exp(w_{l-1,p}(a) + sum_{k != j} q_{l,mp+k}(a)).
 * The work is done in the exp domain: each message also exists as vx = exp(u) (or
 * wx = exp(w)), max 1, in block-local buffers, so a step is matrix-vector products and
 * products over children, and the only transcendental per entry is the log that fills
 * the log-domain outputs. q is kept as t = exp(q) for the downward pass; the sum over
 * siblings k != j is formed directly rather than as u - q, which is NaN when both
 * are -Infinity.
 * Exactness: a sum t or y below TINY, or a product below LOW, may have lost terms to
 * underflow; those entries (or the whole child, when every entry is that small) are
 * redone as exact log-sum-exps from the log-domain messages. Kept exp-domain values
 * lose at most 2^-74 of themselves.
 */
import { ProductLevel } from "../compile";
import { LOW, TINY } from "../logspace";
import { Scratch } from "./scratch";

/** log t for one q entry: from the exp domain when trustworthy, else exact. */
function qLog(lv: ProductLevel, j: number, a: number, t: number, u: Float64Array, c: number): number {
  return t >= TINY ? Math.log(t) : productUpExact(lv.logM[j], a, lv.Sc, u, c);
}

/**
 * Upward step for one parent: reads its m contiguous children (exp domain at
 * vc[vcOff..], log domain at u[cOff..]), stores t_j = exp(q_j) at q[qOff..] ([m, Sp]),
 * writes the max-0 parent message at out[pOff..] and its exp at vp[vpOff..]; returns
 * the shift taken out, -Infinity if the subtree is impossible.
 */
export function productUp(
  lv: ProductLevel,
  vc: Float64Array,
  vcOff: number,
  u: Float64Array,
  cOff: number,
  out: Float64Array,
  pOff: number,
  vp: Float64Array,
  vpOff: number,
  q: Float64Array,
  qOff: number,
  s: Scratch,
): number {
  const { m, Sp, Sc } = lv;
  const v = s.v;
  const idx = s.idx;
  const P = s.x;
  for (let a = 0; a < Sp; a++) P[a] = 1;
  for (let j = 0; j < m; j++) {
    const M = lv.M[j];
    const c = vcOff + j * Sc;
    const qj = qOff + j * Sp;
    let nnz = 0;
    for (let b = 0; b < Sc; b++) {
      const x = vc[c + b];
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
        q[qj + a] = acc0;
        q[qj + a + 1] = acc1;
        P[a] *= acc0;
        P[a + 1] *= acc1;
      }
      if (a < Sp) {
        const r0 = a * Sc;
        let acc = 0;
        for (let b = 0; b < Sc; b++) acc += M[r0 + b] * v[b];
        q[qj + a] = acc;
        P[a] *= acc;
      }
    } else {
      for (let a = 0; a < Sp; a++) {
        const row = a * Sc;
        let acc = 0;
        for (let k = 0; k < nnz; k++) acc += M[row + idx[k]] * v[k];
        q[qj + a] = acc;
        P[a] *= acc;
      }
    }
  }
  let mx = -Infinity;
  for (let a = 0; a < Sp; a++) {
    let z: number;
    if (P[a] >= LOW) z = Math.log(P[a]);
    else {
      z = 0;
      for (let j = 0; j < m; j++) z += qLog(lv, j, a, q[qOff + j * Sp + a], u, cOff + j * Sc);
    }
    out[pOff + a] = z;
    if (z > mx) mx = z;
  }
  if (mx === -Infinity) {
    for (let a = 0; a < Sp; a++) vp[vpOff + a] = 0;
    return -Infinity;
  }
  for (let a = 0; a < Sp; a++) {
    const z = out[pOff + a] - mx;
    out[pOff + a] = z;
    vp[vpOff + a] = P[a] >= LOW ? P[a] * Math.exp(-mx) : Math.exp(z);
  }
  return mx;
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
 * Downward step for one parent: from its message (exp domain at W[wOff..], log
 * domain at w[pOff..]) and the children's t at q[qOff..], writes the m children's
 * max-0 messages at wc[cOff..] and their exps at wx[wxOff..]. u (the children's up
 * messages) is read only by the exact fallback.
 */
export function productDown(
  lv: ProductLevel,
  q: Float64Array,
  qOff: number,
  W: Float64Array,
  wOff: number,
  w: Float64Array,
  pOff: number,
  wc: Float64Array,
  cOff: number,
  wx: Float64Array,
  wxOff: number,
  u: Float64Array,
  s: Scratch,
): void {
  const { m, Sp, Sc } = lv;
  const x = s.x;
  const r = s.t;
  for (let j = 0; j < m; j++) {
    const c = cOff + j * Sc;
    const cx = wxOff + j * Sc;
    let Xmax = 0;
    for (let a = 0; a < Sp; a++) {
      let z = W[wOff + a];
      for (let k = 0; k < m; k++) if (k !== j) z *= q[qOff + k * Sp + a];
      x[a] = z;
      if (z > Xmax) Xmax = z;
    }
    if (Xmax < LOW) {
      productDownLog(lv, j, q, qOff, w, pOff, wc, c, wx, cx, u, cOff, r);
      continue;
    }
    const inv = 1 / Xmax;
    for (let a = 0; a < Sp; a++) x[a] *= inv;
    const MT = lv.MT[j];
    // Rows of M sum to 1 (checked at compile time), so sum_b y(b) = sum_a x(a) >= 1
    // and ymax >= 1/Sc: the shift never needs the log domain, single entries may.
    let ymax = 0;
    let b = 0;
    for (; b + 1 < Sc; b += 2) {
      const r0 = b * Sp;
      const r1 = r0 + Sp;
      let acc0 = 0;
      let acc1 = 0;
      for (let a = 0; a < Sp; a++) {
        const xa = x[a];
        acc0 += MT[r0 + a] * xa;
        acc1 += MT[r1 + a] * xa;
      }
      wx[cx + b] = acc0;
      wx[cx + b + 1] = acc1;
      if (acc0 > ymax) ymax = acc0;
      if (acc1 > ymax) ymax = acc1;
    }
    if (b < Sc) {
      const r0 = b * Sp;
      let acc = 0;
      for (let a = 0; a < Sp; a++) acc += MT[r0 + a] * x[a];
      wx[cx + b] = acc;
      if (acc > ymax) ymax = acc;
    }
    const logYmax = Math.log(ymax);
    const invY = 1 / ymax;
    let haveR = false;
    for (let b = 0; b < Sc; b++) {
      const y = wx[cx + b];
      if (y >= TINY) {
        wc[c + b] = Math.log(y) - logYmax;
        wx[cx + b] = y * invY;
        continue;
      }
      if (!haveR) {
        siblingLogs(lv, j, q, qOff, w, pOff, u, cOff, r);
        haveR = true;
      }
      const z = productDownExact(lv.logM[j], b, Sp, Sc, r) - Math.log(Xmax) - logYmax;
      wc[c + b] = z;
      wx[cx + b] = Math.exp(z);
    }
  }
}

/** r(a) = w_p(a) + sum_{k != j} q_k(a), log domain. */
function siblingLogs(
  lv: ProductLevel,
  j: number,
  q: Float64Array,
  qOff: number,
  w: Float64Array,
  pOff: number,
  u: Float64Array,
  cOff: number,
  r: Float64Array,
): void {
  const { m, Sp, Sc } = lv;
  for (let a = 0; a < Sp; a++) {
    let z = w[pOff + a];
    for (let k = 0; k < m && z !== -Infinity; k++) if (k !== j) z += qLog(lv, k, a, q[qOff + k * Sp + a], u, cOff + k * Sc);
    r[a] = z;
  }
}

/** Child j entirely in the log domain (its parent-side weights are all below LOW). */
function productDownLog(
  lv: ProductLevel,
  j: number,
  q: Float64Array,
  qOff: number,
  w: Float64Array,
  pOff: number,
  wc: Float64Array,
  c: number,
  wx: Float64Array,
  cx: number,
  u: Float64Array,
  cOff: number,
  r: Float64Array,
): void {
  const { Sp, Sc } = lv;
  siblingLogs(lv, j, q, qOff, w, pOff, u, cOff, r);
  let mx = -Infinity;
  for (let b = 0; b < Sc; b++) {
    const z = productDownExact(lv.logM[j], b, Sp, Sc, r);
    wc[c + b] = z;
    if (z > mx) mx = z;
  }
  for (let b = 0; b < Sc; b++) {
    // mx is -Infinity only for impossible evidence, whose rows the driver skips.
    const z = mx === -Infinity ? -Infinity : wc[c + b] - mx;
    wc[c + b] = z;
    wx[cx + b] = Math.exp(z);
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
