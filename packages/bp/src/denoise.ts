/** The Bayes denoiser E[onehot(x_i) | obs] = the leaf marginals (SPEC.md section 3). */
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { runBP } from "./run";

/** Leaf marginals [batch, d, S_L]; zeros for rows with impossible evidence. */
export function denoise(g: Grammar, ev: Evidence): Float64Array {
  const r = runBP(g, ev);
  return r.marginals![g.depth];
}
