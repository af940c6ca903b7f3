/**
 * Rules kernels (sparse productions, e.g. the RHM), a whole level of a block at a time:
 *   u_{l-1,p}(a) = log sum_{r in rules(a)} p_r prod_j exp(u_{l,c_j}(b_{r,j}))
 *   w_{l,c_j}(b) = log sum_a exp(w_{l-1,p}(a)) sum_{r in rules(a): b_{r,j} = b} p_r prod_{k != j} exp(u_{l,c_k}(b_{r,k})).
 * Only the listed tuples are visited: O(#rules * m) per parent, in the exp domain of
 * messages.ts (no exp or log per entry). Products of child messages (each <= 1) can
 * underflow when no rule matches the evidence well; any sum below TINY is redone in
 * the log domain over just its own rules.
 */
import type { RulesLevel } from "../compile";
import { TINY, logAt, sumExpShifted } from "../logspace";
import { type ExpMessages, storeScaled } from "./messages";
import type { Scratch } from "./scratch";
import type { WasmKernels } from "./wasm";

/** A level's start, slot and p, copied into the wasm arena. */
export interface RulesArrays {
  start: Int32Array;
  slot: Int32Array;
  p: Float64Array;
}

/**
 * An m = 2 rules level on the wasm path: the sums run in wasm (same order, same bits), and
 * for even S so does the scaling of every node whose entries all stay trusted (the
 * product levels' fused kernels, level.wat); the flagged rest is scaled here.
 */
export interface RulesWasm extends RulesArrays {
  k: WasmKernels;
  nodeMax: Float64Array;
  flags: Int32Array;
  /** [1]: the weight every child is scaled against (down_scale's xmax, stride 0). */
  one: Float64Array;
}

const { exp, log } = Math;
const NEG_INF = -Infinity;

/** Upward step for every parent of `rows` block rows; see productUpLevel. */
export function rulesUpLevel(
  lv: RulesLevel,
  rows: number,
  Np: number,
  c: ExpMessages,
  p: ExpMessages,
  logZ: Float64Array,
  b0: number,
  s: Scratch,
  w: RulesWasm | null = null,
): void {
  const { m, Sp, Sc, start, slot, p: prob } = lv;
  const V = c.v;
  const vp = p.v;
  const ulp = p.ul;
  // On the wasm path the unscaled sums are written straight into p.v and read back from there.
  const acc = w ? vp : s.x;
  if (w)
    w.k.rulesUp(
      V.byteOffset,
      vp.byteOffset,
      w.start.byteOffset,
      w.slot.byteOffset,
      w.p.byteOffset,
      rows * Np,
      Sp,
      m * Sc,
    );
  const fused = w !== null && Sp % 2 === 0;
  if (fused) w.k.upProd(vp.byteOffset, vp.byteOffset, w.nodeMax.byteOffset, w.flags.byteOffset, rows * Np, 1, Sp, TINY);
  for (let row = 0; row < rows; row++) {
    let z = 0;
    for (let i = 0; i < Np; i++) {
      const node = row * Np + i;
      const f = fused ? w.flags[node] : 1;
      if (f !== 1) {
        // Scaled in wasm: only the logs of entries below TINY are left to write.
        z += log(w!.nodeMax[node]);
        if (f === 2)
          for (let a = node * Sp; a < (node + 1) * Sp; a++) {
            const y = vp[a];
            if (y < TINY) ulp[a] = log(y);
          }
        continue;
      }
      const cOff = node * m * Sc;
      const pOff = node * Sp;
      let Amax = 0;
      const aOff = w ? pOff : 0;
      if (w) for (let a = 0; a < Sp; a++) if (acc[pOff + a] > Amax) Amax = acc[pOff + a];
      for (let a = 0; a < Sp && !w; a++) {
        let sum = 0;
        if (m === 2) {
          for (let r = start[a], e = start[a + 1]; r < e; r++)
            sum += prob[r] * V[cOff + slot[2 * r]] * V[cOff + slot[2 * r + 1]];
        } else {
          for (let r = start[a], e = start[a + 1]; r < e; r++) {
            let prod = prob[r];
            for (let j = 0, base = r * m; j < m; j++) prod *= V[cOff + slot[base + j]];
            sum += prod;
          }
        }
        acc[a] = sum;
        if (sum > Amax) Amax = sum;
      }
      if (Amax < TINY) {
        z += upLogNode(lv, c, cOff, p, pOff, s);
        continue;
      }
      const inv = 1 / Amax;
      const lg = log(Amax);
      z += lg;
      for (let a = 0; a < Sp; a++) {
        const x = acc[aOff + a];
        if (x >= TINY) storeScaled(p, pOff + a, x * inv);
        else {
          const e = upExact(lv, c, cOff, a, s.terms) - lg;
          ulp[pOff + a] = e;
          vp[pOff + a] = exp(e);
        }
      }
    }
    logZ[b0 + row] += z;
  }
}

function upLogNode(lv: RulesLevel, c: ExpMessages, cOff: number, p: ExpMessages, pOff: number, s: Scratch): number {
  const Sp = lv.Sp;
  const { v, ul } = p;
  let mx = NEG_INF;
  for (let a = 0; a < Sp; a++) {
    const e = upExact(lv, c, cOff, a, s.terms);
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

/** Exact log sum over the rules of a (rules with a true zero factor skipped early). */
function upExact(lv: RulesLevel, c: ExpMessages, cOff: number, a: number, terms: Float64Array): number {
  const { m, start, slot, logp } = lv;
  let n = 0;
  let mx = NEG_INF;
  for (let r = start[a], e = start[a + 1]; r < e; r++) {
    let z = logp[r];
    for (let j = 0, base = r * m; j < m && z !== NEG_INF; j++) z += logAt(c.v, c.ul, cOff + slot[base + j]);
    if (z === NEG_INF) continue;
    terms[n++] = z;
    if (z > mx) mx = z;
  }
  return sumExpShifted(terms, n, mx);
}

/** Downward step for every parent of `rows` block rows; see productDownLevel. */
export function rulesDownLevel(
  lv: RulesLevel,
  rows: number,
  Np: number,
  b0: number,
  impossible: Uint8Array,
  p: ExpMessages,
  c: ExpMessages,
  out: ExpMessages,
  s: Scratch,
  w: RulesWasm | null = null,
): void {
  const { m, Sp, Sc, start, slot, p: prob } = lv;
  const n = m * Sc;
  const V = c.v;
  const W = p.v;
  const Y = out.v;
  const ul = out.ul;
  // Impossible rows are summed too on the wasm path (finite values, never read): one call per block level.
  if (w)
    w.k.rulesDown(
      W.byteOffset,
      V.byteOffset,
      Y.byteOffset,
      w.start.byteOffset,
      w.slot.byteOffset,
      w.p.byteOffset,
      rows * Np,
      Sp,
      Sc,
    );
  const fused = w !== null && Sc % 2 === 0;
  const flags = w?.flags;
  if (fused)
    w.k.downScale(Y.byteOffset, w.nodeMax.byteOffset, w.one.byteOffset, w.flags.byteOffset, rows * Np * m, Sc, 0);
  for (let row = 0; row < rows; row++) {
    if (impossible[b0 + row]) continue;
    for (let i = 0; i < Np; i++) {
      const node = row * Np + i;
      const cOff = node * n;
      const pOff = node * Sp;
      if (!w) for (let k = 0; k < n; k++) Y[cOff + k] = 0;
      for (let a = 0; a < Sp && !w; a++) {
        const xa = W[pOff + a];
        if (xa === 0) continue;
        for (let r = start[a], e = start[a + 1]; r < e; r++) {
          const base = xa * prob[r];
          if (m === 2) {
            const s0 = cOff + slot[2 * r];
            const s1 = cOff + slot[2 * r + 1];
            Y[s0] += base * V[s1];
            Y[s1] += base * V[s0];
          } else {
            for (let j = 0; j < m; j++) {
              let prod = base;
              for (let k = 0; k < m; k++) if (k !== j) prod *= V[cOff + slot[r * m + k]];
              Y[cOff + slot[r * m + j]] += prod;
            }
          }
        }
      }
      for (let j = 0; j < m; j++) {
        if (fused && flags![node * m + j] === 0) continue;
        const off = cOff + j * Sc;
        let ymax = 0;
        for (let b = 0; b < Sc; b++) if (Y[off + b] > ymax) ymax = Y[off + b];
        if (ymax < TINY) {
          let mx = NEG_INF;
          for (let b = 0; b < Sc; b++) {
            const e = downExact(lv, p, pOff, c, cOff, j * Sc + b, s.terms);
            ul[off + b] = e;
            if (e > mx) mx = e;
          }
          for (let b = 0; b < Sc; b++) {
            // mx is -Infinity only for impossible evidence, whose rows are skipped.
            const e = mx === NEG_INF ? NEG_INF : ul[off + b] - mx;
            ul[off + b] = e;
            Y[off + b] = exp(e);
          }
          continue;
        }
        const inv = 1 / ymax;
        let lg = NaN;
        for (let b = 0; b < Sc; b++) {
          const y = Y[off + b];
          if (y >= TINY) {
            storeScaled(out, off + b, y * inv);
            continue;
          }
          // biome-ignore lint/suspicious/noSelfCompare: the fastest NaN test in the hot loop
          if (lg !== lg) lg = log(ymax);
          const e = downExact(lv, p, pOff, c, cOff, j * Sc + b, s.terms) - lg;
          ul[off + b] = e;
          Y[off + b] = exp(e);
        }
      }
    }
  }
}

/** Child slot i = j*Sc + b: the exact log-domain sum over the rules that put b at position j. */
function downExact(
  lv: RulesLevel,
  p: ExpMessages,
  pOff: number,
  c: ExpMessages,
  cOff: number,
  i: number,
  terms: Float64Array,
): number {
  const { m, Sc, slot, logp, parent, bySlot, bySlotStart } = lv;
  const j = (i / Sc) | 0;
  let n = 0;
  let mx = NEG_INF;
  for (let k0 = bySlotStart[i], e = bySlotStart[i + 1]; k0 < e; k0++) {
    const r = bySlot[k0];
    let z = logp[r];
    if (z !== NEG_INF) z += logAt(p.v, p.ul, pOff + parent[r]);
    for (let k = 0; k < m && z !== NEG_INF; k++) if (k !== j) z += logAt(c.v, c.ul, cOff + slot[r * m + k]);
    if (z === NEG_INF) continue;
    terms[n++] = z;
    if (z > mx) mx = z;
  }
  return sumExpShifted(terms, n, mx);
}
