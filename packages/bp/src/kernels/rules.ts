/**
 * Rules kernels (sparse productions, e.g. the RHM), one parent node at a time:
 *   u_{l-1,p}(a) = log sum_{r in rules(a)} p_r prod_j exp(u_{l,c_j}(b_{r,j}))
 *   w_{l,c_j}(b) = log sum_a exp(w_{l-1,p}(a)) sum_{r in rules(a): b_{r,j} = b} p_r prod_{k != j} exp(u_{l,c_k}(b_{r,k})).
 * Only the listed tuples are visited: O(#rules * m) per parent. Products of child
 * messages (each <= 1) can underflow when no rule matches the evidence well; then
 * the node is redone in the log domain.
 */
import { RulesLevel } from "../compile";
import { TINY, shiftToMaxZero } from "../logspace";
import { Scratch, fillRange, logAddExp } from "./scratch";

/** Upward step for one parent; see productUp for the offsets and the return value. */
export function rulesUp(lv: RulesLevel, u: Float64Array, cOff: number, out: Float64Array, pOff: number, s: Scratch): number {
  const { m, Sp, Sc, start, slot, p } = lv;
  const V = s.v;
  const n = m * Sc;
  for (let i = 0; i < n; i++) V[i] = Math.exp(u[cOff + i]);
  const t = s.t;
  let tmax = 0;
  if (m === 2) {
    for (let a = 0; a < Sp; a++) {
      let acc = 0;
      for (let r = start[a], e = start[a + 1]; r < e; r++) acc += p[r] * V[slot[2 * r]] * V[slot[2 * r + 1]];
      t[a] = acc;
      if (acc > tmax) tmax = acc;
    }
  } else {
    for (let a = 0; a < Sp; a++) {
      let acc = 0;
      for (let r = start[a], e = start[a + 1]; r < e; r++) {
        let prod = p[r];
        for (let j = 0, base = r * m; j < m; j++) prod *= V[slot[base + j]];
        acc += prod;
      }
      t[a] = acc;
      if (acc > tmax) tmax = acc;
    }
  }
  if (tmax >= TINY) {
    const inv = 1 / tmax;
    for (let a = 0; a < Sp; a++) out[pOff + a] = Math.log(t[a] * inv);
    return Math.log(tmax);
  }
  for (let a = 0; a < Sp; a++) {
    let acc = -Infinity;
    for (let r = start[a], e = start[a + 1]; r < e; r++) {
      let z = lv.logp[r];
      for (let j = 0, base = r * m; j < m; j++) z += u[cOff + slot[base + j]];
      acc = logAddExp(acc, z);
    }
    out[pOff + a] = acc;
  }
  return shiftToMaxZero(out, pOff, Sp);
}

/** Downward step for one parent; see productDown. Reads the children's own up messages. */
export function rulesDown(
  lv: RulesLevel,
  u: Float64Array,
  w: Float64Array,
  pOff: number,
  wc: Float64Array,
  cOff: number,
  s: Scratch,
): void {
  const { m, Sp, Sc, start, slot, p } = lv;
  const n = m * Sc;
  const V = s.v;
  const Y = s.t;
  for (let i = 0; i < n; i++) {
    V[i] = Math.exp(u[cOff + i]);
    Y[i] = 0;
  }
  for (let a = 0; a < Sp; a++) {
    const xa = Math.exp(w[pOff + a]);
    if (xa === 0) continue;
    for (let r = start[a], e = start[a + 1]; r < e; r++) {
      const base = xa * p[r];
      if (m === 2) {
        const s0 = slot[2 * r];
        const s1 = slot[2 * r + 1];
        Y[s0] += base * V[s1];
        Y[s1] += base * V[s0];
      } else {
        for (let j = 0; j < m; j++) {
          let prod = base;
          for (let k = 0; k < m; k++) if (k !== j) prod *= V[slot[r * m + k]];
          Y[slot[r * m + j]] += prod;
        }
      }
    }
  }
  for (let j = 0; j < m; j++) {
    const c = cOff + j * Sc;
    let ymax = 0;
    for (let b = 0; b < Sc; b++) if (Y[j * Sc + b] > ymax) ymax = Y[j * Sc + b];
    if (ymax >= TINY) {
      const inv = 1 / ymax;
      for (let b = 0; b < Sc; b++) wc[c + b] = Math.log(Y[j * Sc + b] * inv);
      continue;
    }
    // Exact: accumulate every (a, rule) term for child j in the log domain.
    fillRange(wc, c, Sc, -Infinity);
    for (let a = 0; a < Sp; a++) {
      const wa = w[pOff + a];
      if (wa === -Infinity) continue;
      for (let r = start[a], e = start[a + 1]; r < e; r++) {
        let z = wa + lv.logp[r];
        for (let k = 0; k < m; k++) if (k !== j) z += u[cOff + slot[r * m + k]];
        const target = cOff + slot[r * m + j];
        wc[target] = logAddExp(wc[target], z);
      }
    }
    shiftToMaxZero(wc, c, Sc);
  }
}
