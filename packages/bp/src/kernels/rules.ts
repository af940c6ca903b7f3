/**
 * Rules kernels (sparse productions, e.g. the RHM), one parent node at a time:
 *   u_{l-1,p}(a) = log sum_{r in rules(a)} p_r prod_j exp(u_{l,c_j}(b_{r,j}))
 *   w_{l,c_j}(b) = log sum_a exp(w_{l-1,p}(a)) sum_{r in rules(a): b_{r,j} = b} p_r prod_{k != j} exp(u_{l,c_k}(b_{r,k})).
 * Only the listed tuples are visited: O(#rules * m) per parent. Products of child
 * messages (each <= 1) can underflow when no rule matches the evidence well; any sum
 * below TINY is redone in the log domain over just its own rules.
 */
import { RulesLevel } from "../compile";
import { TINY, shiftToMaxZero } from "../logspace";
import { Scratch, logAddExp } from "./scratch";

/** Upward step for one parent; see productUp for the offsets and the return value. */
export function rulesUp(lv: RulesLevel, u: Float64Array, cOff: number, out: Float64Array, pOff: number, s: Scratch): number {
  const { m, Sp, Sc, start, slot, p } = lv;
  const V = s.v;
  const n = m * Sc;
  for (let i = 0; i < n; i++) V[i] = Math.exp(u[cOff + i]);
  for (let a = 0; a < Sp; a++) {
    let acc = 0;
    if (m === 2) {
      for (let r = start[a], e = start[a + 1]; r < e; r++) acc += p[r] * V[slot[2 * r]] * V[slot[2 * r + 1]];
    } else {
      for (let r = start[a], e = start[a + 1]; r < e; r++) {
        let prod = p[r];
        for (let j = 0, base = r * m; j < m; j++) prod *= V[slot[base + j]];
        acc += prod;
      }
    }
    out[pOff + a] = acc >= TINY ? Math.log(acc) : rulesUpExact(lv, u, cOff, a);
  }
  return shiftToMaxZero(out, pOff, Sp);
}

function rulesUpExact(lv: RulesLevel, u: Float64Array, cOff: number, a: number): number {
  const { m, start, slot, logp } = lv;
  let acc = -Infinity;
  for (let r = start[a], e = start[a + 1]; r < e; r++) {
    let z = logp[r];
    for (let j = 0, base = r * m; j < m; j++) z += u[cOff + slot[base + j]];
    acc = logAddExp(acc, z);
  }
  return acc;
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
  for (let i = 0; i < n; i++) wc[cOff + i] = Y[i] >= TINY ? Math.log(Y[i]) : rulesDownExact(lv, u, w, pOff, cOff, i);
  for (let j = 0; j < m; j++) shiftToMaxZero(wc, cOff + j * Sc, Sc);
}

/** Child slot i = j*Sc + b: the log-domain sum over the rules that put b at position j. */
function rulesDownExact(lv: RulesLevel, u: Float64Array, w: Float64Array, pOff: number, cOff: number, i: number): number {
  const { m, Sc, slot, logp, parent, bySlot, bySlotStart } = lv;
  const j = Math.floor(i / Sc);
  let acc = -Infinity;
  for (let k0 = bySlotStart[i], e = bySlotStart[i + 1]; k0 < e; k0++) {
    const r = bySlot[k0];
    let z = w[pOff + parent[r]] + logp[r];
    for (let k = 0; k < m; k++) if (k !== j) z += u[cOff + slot[r * m + k]];
    acc = logAddExp(acc, z);
  }
  return acc;
}
