/** Per-call work buffers, sized once for the largest level so inner loops never allocate. */
import { CompiledGrammar } from "../compile";

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
  /** One parent's q values when they need not be kept (m * maxS). */
  q: Float64Array;
}

export function makeScratch(g: CompiledGrammar): Scratch {
  const maxS = Math.max(...g.vocab);
  let maxT = 1;
  let maxRules = 1;
  for (const lv of g.levels) {
    if (lv.kind === "dense") maxT = Math.max(maxT, lv.T);
    if (lv.kind === "rules") maxRules = Math.max(maxRules, lv.maxRules);
  }
  const wide = Math.max(maxS, maxT, maxRules) * g.m;
  return {
    v: new Float64Array(g.m * maxS),
    idx: new Int32Array(maxS),
    t: new Float64Array(wide),
    x: new Float64Array(wide),
    y: new Float64Array(wide),
    digits: new Int32Array(g.m),
    q: new Float64Array(g.m * maxS),
  };
}

/** log(exp(a) + exp(b)) with -Infinity allowed on either side. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export function fillRange(a: Float64Array, off: number, n: number, value: number): void {
  for (let i = 0; i < n; i++) a[off + i] = value;
}
