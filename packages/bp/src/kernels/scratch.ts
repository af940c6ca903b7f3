/** Per-call work buffers, sized once for the largest level so inner loops never allocate. */
import type { CompiledGrammar } from "../compile";

const { exp, log1p } = Math;
const NEG_INF = -Infinity;

export interface Scratch {
  /** Exp-domain child messages, m * maxS (or the m contiguous children of one parent). */
  v: Float64Array;
  /** Nonzero positions of one exp-domain child message. */
  idx: Int32Array;
  /** Per-parent-symbol or per-tuple accumulator, max(maxS, maxT) * m. */
  t: Float64Array;
  /** Second accumulator of the same size. */
  x: Float64Array;
  /** Third accumulator of the same size (dense tuple products). */
  y: Float64Array;
  /** Digits of a tuple index (dense kernels). */
  digits: Int32Array;
  /** Log-domain terms of one exact fallback sum (at most maxS, rules of a parent, or rules through one child slot). */
  terms: Float64Array;
  /** Log-domain r(a) of the product downward fallback (maxS). */
  r: Float64Array;
  /** Log-domain copies for the dense kernels: children (m * maxS), parent (maxS), output (m * maxS). */
  lc: Float64Array;
  lp: Float64Array;
  lo: Float64Array;
}

export function makeScratch(g: CompiledGrammar): Scratch {
  const maxS = Math.max(...g.vocab);
  let maxT = 1;
  let maxRules = 1;
  let maxTerms = maxS;
  for (const lv of g.levels) {
    if (lv.kind === "dense") maxT = Math.max(maxT, lv.T);
    if (lv.kind === "rules") {
      maxRules = Math.max(maxRules, lv.maxRules);
      for (let i = 0; i + 1 < lv.bySlotStart.length; i++)
        maxTerms = Math.max(maxTerms, lv.bySlotStart[i + 1] - lv.bySlotStart[i]);
    }
  }
  maxTerms = Math.max(maxTerms, maxRules);
  const wide = Math.max(maxS, maxT, maxRules) * g.m;
  return {
    v: new Float64Array(g.m * maxS),
    idx: new Int32Array(maxS),
    t: new Float64Array(wide),
    x: new Float64Array(wide),
    y: new Float64Array(wide),
    digits: new Int32Array(g.m),
    terms: new Float64Array(maxTerms),
    r: new Float64Array(maxS),
    lc: new Float64Array(g.m * maxS),
    lp: new Float64Array(maxS),
    lo: new Float64Array(g.m * maxS),
  };
}

/** log(exp(a) + exp(b)) with -Infinity allowed on either side. */
export function logAddExp(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

export function fillRange(a: Float64Array, off: number, n: number, value: number): void {
  for (let i = 0; i < n; i++) a[off + i] = value;
}
