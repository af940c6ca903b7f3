/**
 * Dense kernels (the full table K_l(b_0..b_{m-1} | a), small S and m only), one parent
 * node at a time; O(S_{l-1} S_l^m) per parent. The children's exp-domain messages
 * are expanded into the tuple product P[t] = prod_j exp(u_{c_j}(t_j)) (whose max is
 * 1), so the upward step is one matrix-vector product with K. Sums below TINY are
 * redone in the log domain, as in the other kernels.
 */
import type { DenseLevel } from "../compile";
import { TINY, logAt, shiftToMaxZero } from "../logspace";
import type { ExpMessages } from "./messages";
import { type Scratch, logAddExp } from "./scratch";
import { tupleLogSums } from "../tuples";

const { exp, log } = Math;
const NEG_INF = -Infinity;

/** P[t] = prod_j V[j*Sc + t_j] over the T = Sc^m tuples (first child most significant). */
function tupleProducts(V: Float64Array, m: number, Sc: number, P: Float64Array): void {
  for (let b = 0; b < Sc; b++) P[b] = V[b];
  let len = Sc;
  for (let j = 1; j < m; j++) {
    // Descending t: entries t*Sc+b >= t, so unread entries are never overwritten.
    for (let t = len - 1; t >= 0; t--) {
      const pt = P[t];
      for (let b = Sc - 1; b >= 0; b--) P[t * Sc + b] = pt * V[j * Sc + b];
    }
    len *= Sc;
  }
}

/** Upward step for one parent; see productUp for the offsets and the return value. */
export function denseUp(
  lv: DenseLevel,
  u: Float64Array,
  cOff: number,
  out: Float64Array,
  pOff: number,
  s: Scratch,
): number {
  const { m, Sp, Sc, T, K } = lv;
  const V = s.v;
  for (let i = 0; i < m * Sc; i++) V[i] = exp(u[cOff + i]);
  const P = s.x;
  tupleProducts(V, m, Sc, P);
  let Lt: Float64Array | null = null;
  for (let a = 0; a < Sp; a++) {
    const row = a * T;
    let acc = 0;
    for (let i = 0; i < T; i++) acc += K[row + i] * P[i];
    if (acc >= TINY) {
      out[pOff + a] = log(acc);
      continue;
    }
    if (Lt === null) {
      Lt = s.y;
      tupleLogSums(u, cOff, m, Sc, Lt);
    }
    let z = NEG_INF;
    for (let i = 0; i < T; i++) z = logAddExp(z, lv.logK[row + i] + Lt[i]);
    out[pOff + a] = z;
  }
  return shiftToMaxZero(out, pOff, Sp);
}

/** Downward step for one parent; see productDown. Reads the children's own up messages. */
export function denseDown(
  lv: DenseLevel,
  u: Float64Array,
  w: Float64Array,
  pOff: number,
  wc: Float64Array,
  cOff: number,
  s: Scratch,
): void {
  const { m, Sp, Sc, T, K } = lv;
  const V = s.v;
  for (let i = 0; i < m * Sc; i++) V[i] = exp(u[cOff + i]);
  // G[t] = sum_a exp(w_p(a)) K[a, t]: the parent's side, shared by all children.
  const G = s.x;
  for (let i = 0; i < T; i++) G[i] = 0;
  for (let a = 0; a < Sp; a++) {
    const xa = exp(w[pOff + a]);
    if (xa === 0) continue;
    for (let i = 0, row = a * T; i < T; i++) G[i] += xa * K[row + i];
  }
  const Y = s.t;
  for (let i = 0; i < m * Sc; i++) Y[i] = 0;
  const d = s.digits;
  d.fill(0);
  for (let i = 0; i < T; i++) {
    const g = G[i];
    if (g !== 0) {
      for (let j = 0; j < m; j++) {
        let prod = g;
        for (let k = 0; k < m; k++) if (k !== j) prod *= V[k * Sc + d[k]];
        Y[j * Sc + d[j]] += prod;
      }
    }
    for (let k = m - 1; k >= 0; k--) {
      if (++d[k] < Sc) break;
      d[k] = 0;
    }
  }
  let LG: Float64Array | null = null;
  for (let i = 0; i < m * Sc; i++) {
    if (Y[i] >= TINY) {
      wc[cOff + i] = log(Y[i]);
      continue;
    }
    if (LG === null) {
      // LG[t] = log sum_a exp(w_p(a)) K[a, t], exact.
      LG = s.y;
      for (let t = 0; t < T; t++) {
        let z = NEG_INF;
        for (let a = 0; a < Sp; a++) z = logAddExp(z, w[pOff + a] + lv.logK[a * T + t]);
        LG[t] = z;
      }
    }
    wc[cOff + i] = denseDownExact(LG, u, cOff, m, Sc, T, i, s.digits);
  }
  for (let j = 0; j < m; j++) shiftToMaxZero(wc, cOff + j * Sc, Sc);
}

/** Child slot i = j*Sc + b: log sum over tuples t with t_j = b of LG[t] prod_{k != j} exp(u_k(t_k)). */
function denseDownExact(
  LG: Float64Array,
  u: Float64Array,
  cOff: number,
  m: number,
  Sc: number,
  T: number,
  i: number,
  d: Int32Array,
): number {
  const j = (i / Sc) | 0;
  const b = i % Sc;
  let acc = NEG_INF;
  d.fill(0);
  for (let t = 0; t < T; t++) {
    if (d[j] === b && LG[t] !== NEG_INF) {
      let z = LG[t];
      for (let k = 0; k < m; k++) if (k !== j) z += u[cOff + k * Sc + d[k]];
      acc = logAddExp(acc, z);
    }
    for (let k = m - 1; k >= 0; k--) {
      if (++d[k] < Sc) break;
      d[k] = 0;
    }
  }
  return acc;
}

/**
 * The dense kernels on exp-domain messages (messages.ts): each parent's children are
 * read back to the log domain and the log-domain steps above run on them. Dense
 * kernels are for tiny S and m, where the tuple table, not the transcendentals, is
 * the cost.
 */
export function denseUpLevel(
  lv: DenseLevel,
  rows: number,
  Np: number,
  c: ExpMessages,
  p: ExpMessages,
  logZ: Float64Array,
  b0: number,
  s: Scratch,
): void {
  const { m, Sp, Sc } = lv;
  const n = m * Sc;
  const { lc, lo } = s;
  for (let row = 0; row < rows; row++) {
    let z = 0;
    for (let i = 0; i < Np; i++) {
      const node = row * Np + i;
      for (let k = 0; k < n; k++) lc[k] = logAt(c.v, c.ul, node * n + k);
      z += denseUp(lv, lc, 0, lo, 0, s);
      fromLogs(lo, Sp, p, node * Sp);
    }
    logZ[b0 + row] += z;
  }
}

export function denseDownLevel(
  lv: DenseLevel,
  rows: number,
  Np: number,
  b0: number,
  impossible: Uint8Array,
  p: ExpMessages,
  c: ExpMessages,
  out: ExpMessages,
  s: Scratch,
): void {
  const { m, Sp, Sc } = lv;
  const n = m * Sc;
  const { lc, lp, lo } = s;
  for (let row = 0; row < rows; row++) {
    if (impossible[b0 + row]) continue;
    for (let i = 0; i < Np; i++) {
      const node = row * Np + i;
      for (let k = 0; k < n; k++) lc[k] = logAt(c.v, c.ul, node * n + k);
      for (let a = 0; a < Sp; a++) lp[a] = logAt(p.v, p.ul, node * Sp + a);
      denseDown(lv, lc, lp, 0, lo, 0, s);
      fromLogs(lo, n, out, node * n);
    }
  }
}

/** Store max-0 (or all NEG_INF) log values as exp-domain messages, keeping the logs. */
function fromLogs(src: Float64Array, n: number, dst: ExpMessages, off: number): void {
  for (let k = 0; k < n; k++) {
    dst.ul[off + k] = src[k];
    dst.v[off + k] = exp(src[k]);
  }
}
