/** Child-tuple helpers shared by sampling and MAP (log domain, all kernel kinds). */
import type { CompiledLevel } from "./compile";

/**
 * Lt[t] = sum_j u[cOff + j*Sc + t_j] over the Sc^m tuples (first child most
 * significant), built as an outer sum.
 */
export function tupleLogSums(u: Float64Array, cOff: number, m: number, Sc: number, Lt: Float64Array): void {
  for (let b = 0; b < Sc; b++) Lt[b] = u[cOff + b];
  let len = Sc;
  for (let j = 1; j < m; j++) {
    // Descending t: entries t*Sc+b >= t, so unread entries are never overwritten.
    for (let t = len - 1; t >= 0; t--) {
      const lt = Lt[t];
      for (let b = Sc - 1; b >= 0; b--) Lt[t * Sc + b] = lt + u[cOff + j * Sc + b];
    }
    len *= Sc;
  }
}

/** Write tuple t's m digits (base Sc, first child most significant) to out[off..]. */
export function writeTuple(t: number, m: number, Sc: number, out: Int32Array, off: number): void {
  for (let j = m - 1; j >= 0; j--) {
    out[off + j] = t % Sc;
    t = (t - (t % Sc)) / Sc;
  }
}

/** Size of the per-parent choice table a kind needs: Sc (per child), rules of a parent, or Sc^m tuples. */
export function choiceCount(lv: CompiledLevel): number {
  if (lv.kind === "product") return lv.Sc;
  if (lv.kind === "rules") return lv.maxRules;
  return lv.T;
}
