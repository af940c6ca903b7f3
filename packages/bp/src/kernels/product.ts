/**
 * Product kernels, a whole level of a block at a time (SPEC.md section 3):
 *   q_{l,c}(a) = log sum_b M_{l,j}[a,b] exp(u_{l,c}(b)),   u_{l-1,p} = sum_j q_{l,mp+j}
 *   w_{l,c}(b) = log sum_a M_{l,j}[a,b] exp(w_{l-1,p}(a) + sum_{k != j} q_{l,mp+k}(a)).
 * Everything runs in the exp domain (messages.ts): t = exp(q) is a matrix-vector
 * product of the child's v, the parent's v the product of its children's t scaled to
 * max 1, so the only transcendental per parent node is the log of that scale (summed
 * into logZ); the downward pass needs none at all. t is kept for the downward pass;
 * the sum over siblings k != j is formed directly rather than as u - q, which is NaN
 * when both are -Infinity.
 * Exactness: an entry whose product is below LOW (upward), or whose sum is below TINY
 * (t, downward), or a whole child whose parent-side weights are all below TINY, may
 * have lost terms to underflow; those are redone as exact log-sum-exps through logAt.
 * Kept exp-domain values lose at most ~2^-70 of themselves.
 */
import type { ProductLevel } from "../compile";
import { LOW, TINY, logAt, sumExpShifted } from "../logspace";
import { gemvMax, gemvSparse } from "./gemv";
import type { ExpMessages } from "./messages";
import type { Scratch } from "./scratch";
import type { WasmKernels } from "./wasm";

/**
 * A product level on the wasm path: the kernels, M_j and MT_j in its arena, the
 * downward pass's X (parent-side weights per child, [children, Sp]) and their maxima,
 * and per-node scratch for the fused steps (maxima and flags, see wasm/level.wat).
 * All of a level's children go through one GEMM per child slot j instead of one
 * matrix-vector product each; the sums run in the same order, so the bits match.
 */
export interface WasmLevel {
  k: WasmKernels;
  M: Float64Array[];
  MT: Float64Array[];
  x: Float64Array;
  xmax: Float64Array;
  ymax: Float64Array;
  /** Per node or child of a block level: the fused kernels' maxima and flags. */
  nodeMax: Float64Array;
  flags: Int32Array;
}

const { exp, log } = Math;
const NEG_INF = -Infinity;

/**
 * Upward step for every parent of `rows` block rows (Np parents per row): reads the
 * children c, writes t ([children, Sp], child-major) and the parents p, and adds each
 * parent's scale (log) to logZ[b0 + row]; -Infinity there marks an impossible subtree.
 * On the wasm path the products and scaling run fused (level.wat) for even Sp; a node
 * it flags is redone here, entry by entry.
 */
export function productUpLevel(
  lv: ProductLevel,
  rows: number,
  Np: number,
  c: ExpMessages,
  p: ExpMessages,
  t: Float64Array,
  logZ: Float64Array,
  b0: number,
  s: Scratch,
  w: WasmLevel | null,
): void {
  const { m, Sp, Sc } = lv;
  if (w)
    for (let j = 0; j < m; j++)
      w.k.gemm(
        c.v.byteOffset + 8 * j * Sc,
        m * Sc,
        w.MT[j].byteOffset,
        t.byteOffset + 8 * j * Sp,
        m * Sp,
        rows * Np,
        Sc,
        Sp,
      );
  const fused = w !== null && Sp % 2 === 0;
  if (fused) w.k.upProd(t.byteOffset, p.v.byteOffset, w.nodeMax.byteOffset, w.flags.byteOffset, rows * Np, m, Sp, LOW);
  const { v: vp, ul: ulp } = p;
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let i = 0; i < Np; i++) {
      const node = r * Np + i;
      const f = fused ? w.flags[node] : 1;
      if (f === 1) {
        z += upNode(lv, node, c, p, t, s, w !== null);
        continue;
      }
      z += log(w!.nodeMax[node]);
      if (f === 2)
        for (let a = node * Sp; a < (node + 1) * Sp; a++) {
          const y = vp[a];
          if (y < TINY) ulp[a] = log(y);
        }
    }
    logZ[b0 + r] += z;
  }
}

/**
 * One parent node: the product of its children's t (computed here unless `haveT`),
 * scaled to max 1, exact logs where it underflows; returns the node's scale (log).
 */
function upNode(
  lv: ProductLevel,
  node: number,
  c: ExpMessages,
  p: ExpMessages,
  t: Float64Array,
  s: Scratch,
  haveT: boolean,
): number {
  const { m, Sp, Sc, M } = lv;
  const vc = c.v;
  const P = s.x;
  const idx = s.idx;
  const val = s.v;
  for (let j = 0; j < m; j++) {
    const child = node * m + j;
    const cOff = child * Sc;
    const tOff = child * Sp;
    if (!haveT) {
      let zeros = 0;
      for (let b = 0; b < Sc; b++) if (vc[cOff + b] === 0) zeros++;
      if (2 * zeros < Sc) gemvMax(M[j], Sp, Sc, vc, cOff, t, tOff);
      else {
        // Exact evidence makes leaf messages one-hot: then only the nonzeros are read.
        let nnz = 0;
        for (let b = 0; b < Sc; b++) {
          const x = vc[cOff + b];
          if (x !== 0) {
            idx[nnz] = b;
            val[nnz++] = x;
          }
        }
        gemvSparse(M[j], Sp, Sc, idx, val, nnz, t, tOff);
      }
    }
    if (j === 0) for (let a = 0; a < Sp; a++) P[a] = t[tOff + a];
    else for (let a = 0; a < Sp; a++) P[a] *= t[tOff + a];
  }
  let Pmax = 0;
  for (let a = 0; a < Sp; a++) if (P[a] > Pmax) Pmax = P[a];
  const pOff = node * Sp;
  if (Pmax < LOW) return upLogNode(lv, node, c, p, pOff, t, s);
  const { v: vp, ul: ulp } = p;
  const inv = 1 / Pmax;
  const lg = log(Pmax);
  for (let a = 0; a < Sp; a++) {
    const x = P[a];
    if (x >= LOW) {
      const y = x * inv;
      vp[pOff + a] = y;
      if (y < TINY) ulp[pOff + a] = log(y);
    } else {
      const e = upExact(lv, node, a, c, t, s) - lg;
      ulp[pOff + a] = e;
      vp[pOff + a] = exp(e);
    }
  }
  return lg;
}

/** Parent node entirely in the log domain (every product below LOW); returns its shift. */
function upLogNode(
  lv: ProductLevel,
  node: number,
  c: ExpMessages,
  p: ExpMessages,
  pOff: number,
  t: Float64Array,
  s: Scratch,
): number {
  const Sp = lv.Sp;
  const { v, ul } = p;
  let mx = NEG_INF;
  for (let a = 0; a < Sp; a++) {
    const e = upExact(lv, node, a, c, t, s);
    ul[pOff + a] = e;
    if (e > mx) mx = e;
  }
  if (mx === NEG_INF) {
    for (let a = 0; a < Sp; a++) v[pOff + a] = 0;
    return NEG_INF;
  }
  for (let a = 0; a < Sp; a++) {
    const e = ul[pOff + a] - mx;
    ul[pOff + a] = e;
    v[pOff + a] = exp(e);
  }
  return mx;
}

/** Exact sum_j q_j(a) of one parent entry (relative to its children's scales). */
function upExact(lv: ProductLevel, node: number, a: number, c: ExpMessages, t: Float64Array, s: Scratch): number {
  let z = 0;
  for (let j = 0; j < lv.m && z !== NEG_INF; j++) z += qLog(lv, j, a, node * lv.m + j, c, t, s.terms);
  return z;
}

/** q_j(a) of one child: log t when trustworthy, else exact from the child's logs. */
function qLog(
  lv: ProductLevel,
  j: number,
  a: number,
  child: number,
  c: ExpMessages,
  t: Float64Array,
  terms: Float64Array,
): number {
  const x = t[child * lv.Sp + a];
  if (x >= TINY) return log(x);
  const { Sc } = lv;
  const logM = lv.logM[j];
  const row = a * Sc;
  const cOff = child * Sc;
  let mx = NEG_INF;
  for (let b = 0; b < Sc; b++) {
    const lm = logM[row + b];
    const z = lm === NEG_INF ? NEG_INF : lm + logAt(c.v, c.ul, cOff + b);
    terms[b] = z;
    if (z > mx) mx = z;
  }
  return sumExpShifted(terms, Sc, mx);
}

/**
 * Downward step for every parent of `rows` block rows (impossible rows skipped):
 * from the parents' down messages p, the children's t and up messages c (read only
 * by the exact fallback), writes the children's down messages out.
 */
export function productDownLevel(
  lv: ProductLevel,
  rows: number,
  Np: number,
  b0: number,
  impossible: Uint8Array,
  p: ExpMessages,
  t: Float64Array,
  c: ExpMessages,
  out: ExpMessages,
  s: Scratch,
  w: WasmLevel | null,
): void {
  if (w) {
    productDownWasm(lv, rows, Np, b0, impossible, p, t, c, out, s, w);
    return;
  }
  const { m, Sp, Sc, MT } = lv;
  const W = p.v;
  const X = s.x;
  const wc = out.v;
  for (let r = 0; r < rows; r++) {
    if (impossible[b0 + r]) continue;
    for (let i = 0; i < Np; i++) {
      const node = r * Np + i;
      const pOff = node * Sp;
      for (let j = 0; j < m; j++) {
        const cOff = (node * m + j) * Sc;
        let Xmax = 0;
        if (m === 2) {
          const sib = (node * 2 + 1 - j) * Sp;
          for (let a = 0; a < Sp; a++) {
            const x = W[pOff + a] * t[sib + a];
            X[a] = x;
            if (x > Xmax) Xmax = x;
          }
        } else {
          for (let a = 0; a < Sp; a++) {
            let x = W[pOff + a];
            for (let k = 0; k < m; k++) if (k !== j) x *= t[(node * m + k) * Sp + a];
            X[a] = x;
            if (x > Xmax) Xmax = x;
          }
        }
        if (Xmax < TINY) {
          downLogChild(lv, j, node, p, pOff, t, c, out, cOff, s);
          continue;
        }
        const ymax = gemvMax(MT[j], Sc, Sp, X, 0, wc, cOff);
        downNormalise(lv, j, node, p, pOff, t, c, out, cOff, ymax, Xmax, s);
      }
    }
  }
}

/**
 * Scale child j's freshly summed down message y (in out.v at cOff, max ymax) to max 1.
 * Rows of M sum to 1 (checked at compile time), so sum_b y(b) = sum_a X(a) >= Xmax
 * and ymax >= Xmax/Sc: the scale is always trustworthy, single entries may not be.
 * An entry is trusted when y / Xmax >= TINY: its underflowed terms (< 2^-1074 each)
 * are then below 2^-74 of it, as Xmax >= TINY.
 */
function downNormalise(
  lv: ProductLevel,
  j: number,
  node: number,
  p: ExpMessages,
  pOff: number,
  t: Float64Array,
  c: ExpMessages,
  out: ExpMessages,
  cOff: number,
  ymax: number,
  Xmax: number,
  s: Scratch,
): void {
  const { Sp, Sc } = lv;
  const wc = out.v;
  const ulc = out.ul;
  const invY = 1 / ymax;
  const trust = TINY * Xmax;
  let lg = NaN;
  for (let b = 0; b < Sc; b++) {
    const y = wc[cOff + b];
    if (y >= trust) {
      const q = y * invY;
      wc[cOff + b] = q;
      if (q < TINY) ulc[cOff + b] = log(q);
      continue;
    }
    // biome-ignore lint/suspicious/noSelfCompare: the fastest NaN test in the hot loop
    if (lg !== lg) {
      siblingLogs(lv, j, node, p, pOff, t, c, s);
      lg = log(ymax);
    }
    const e = colLogSum(lv.logM[j], b, Sp, Sc, s.r, s.terms) - lg;
    ulc[cOff + b] = e;
    wc[cOff + b] = exp(e);
  }
}

/** productDownLevel on the wasm path: every child's X, one GEMM per slot j, then the scaling per child. */
function productDownWasm(
  lv: ProductLevel,
  rows: number,
  Np: number,
  b0: number,
  impossible: Uint8Array,
  p: ExpMessages,
  t: Float64Array,
  c: ExpMessages,
  out: ExpMessages,
  s: Scratch,
  w: WasmLevel,
): void {
  const { m, Sp, Sc } = lv;
  const W = p.v;
  const { x: X, xmax, ymax: Ymax } = w;
  const wc = out.v;
  const n = rows * Np;
  // Impossible rows are computed too (their values are finite and never read): one GEMM covers the block.
  const simd = m === 2 && Sp % 2 === 0;
  if (simd) w.k.downX(W.byteOffset, t.byteOffset, X.byteOffset, xmax.byteOffset, n, Sp);
  for (let node = 0; node < n && !simd; node++) {
    const pOff = node * Sp;
    for (let j = 0; j < m; j++) {
      const xOff = (node * m + j) * Sp;
      let Xmax = 0;
      if (m === 2) {
        const sib = (node * 2 + 1 - j) * Sp;
        for (let a = 0; a < Sp; a++) {
          const x = W[pOff + a] * t[sib + a];
          X[xOff + a] = x;
          if (x > Xmax) Xmax = x;
        }
      } else {
        for (let a = 0; a < Sp; a++) {
          let x = W[pOff + a];
          for (let k = 0; k < m; k++) if (k !== j) x *= t[(node * m + k) * Sp + a];
          X[xOff + a] = x;
          if (x > Xmax) Xmax = x;
        }
      }
      xmax[node * m + j] = Xmax;
    }
  }
  for (let j = 0; j < m; j++)
    w.k.gemm(X.byteOffset + 8 * j * Sp, m * Sp, w.M[j].byteOffset, wc.byteOffset + 8 * j * Sc, m * Sc, n, Sp, Sc);
  // Fused for even Sc: the scaling of every child whose entries all stay trusted (flag 0).
  const fused = Sc % 2 === 0;
  const flags = w.flags;
  if (fused) w.k.downScale(wc.byteOffset, Ymax.byteOffset, xmax.byteOffset, flags.byteOffset, n * m, Sc, 8);
  else w.k.rowmax(wc.byteOffset, Ymax.byteOffset, n * m, Sc);
  for (let r = 0; r < rows; r++) {
    if (impossible[b0 + r]) continue;
    for (let i = 0; i < Np; i++) {
      const node = r * Np + i;
      const pOff = node * Sp;
      for (let j = 0; j < m; j++) {
        const child = node * m + j;
        if (fused && flags[child] === 0) continue;
        const cOff = child * Sc;
        const Xmax = xmax[child];
        if (Xmax < TINY) {
          downLogChild(lv, j, node, p, pOff, t, c, out, cOff, s);
          continue;
        }
        downNormalise(lv, j, node, p, pOff, t, c, out, cOff, Ymax[child], Xmax, s);
      }
    }
  }
}

/** s.r(a) = w_p(a) + sum_{k != j} q_k(a), exact log domain. */
function siblingLogs(
  lv: ProductLevel,
  j: number,
  node: number,
  p: ExpMessages,
  pOff: number,
  t: Float64Array,
  c: ExpMessages,
  s: Scratch,
): void {
  const { m, Sp } = lv;
  const r = s.r;
  for (let a = 0; a < Sp; a++) {
    let z = logAt(p.v, p.ul, pOff + a);
    for (let k = 0; k < m && z !== NEG_INF; k++) if (k !== j) z += qLog(lv, k, a, node * m + k, c, t, s.terms);
    r[a] = z;
  }
}

/** Child j entirely in the log domain (its parent-side weights are all below TINY). */
function downLogChild(
  lv: ProductLevel,
  j: number,
  node: number,
  p: ExpMessages,
  pOff: number,
  t: Float64Array,
  c: ExpMessages,
  out: ExpMessages,
  cOff: number,
  s: Scratch,
): void {
  const { Sp, Sc } = lv;
  const { v, ul } = out;
  siblingLogs(lv, j, node, p, pOff, t, c, s);
  let mx = NEG_INF;
  for (let b = 0; b < Sc; b++) {
    const z = colLogSum(lv.logM[j], b, Sp, Sc, s.r, s.terms);
    ul[cOff + b] = z;
    if (z > mx) mx = z;
  }
  for (let b = 0; b < Sc; b++) {
    // mx is -Infinity only for impossible evidence, whose rows the driver skips.
    const z = mx === NEG_INF ? NEG_INF : ul[cOff + b] - mx;
    ul[cOff + b] = z;
    v[cOff + b] = exp(z);
  }
}

/** log sum_a exp(logM[a,b] + r(a)) for one b. */
function colLogSum(
  logM: Float64Array,
  b: number,
  Sp: number,
  Sc: number,
  r: Float64Array,
  terms: Float64Array,
): number {
  let mx = NEG_INF;
  for (let a = 0; a < Sp; a++) {
    const z = logM[a * Sc + b] + r[a];
    terms[a] = z;
    if (z > mx) mx = z;
  }
  return sumExpShifted(terms, Sp, mx);
}
