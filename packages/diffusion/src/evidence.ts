import { type Evidence, InputError, argmaxLeaves, levelNoise, observationEvidence } from "@ghmkit/ghm";
import { type DenoiserInput, checkInput } from "./denoiser";

/**
 * Leaf evidence e `[batch, d, S]` (SPEC.md section 2) of a noisy diffusion state:
 * what BP consumes and what a network may take as its input. The process at level abar
 * is one of ghm's noise models (its observationEvidence computes e):
 * - vp: the gaussian model with alpha = sqrt(abar), sigma^2 = 1 - abar:
 *   e_i(s) = sqrt(abar)/(1 - abar) * x_t[i, s]. At abar = 1 (t = 0, sigma = 0) the
 *   formula has no limit; the state is clean data, so the evidence is exact at the
 *   argmax of each leaf.
 * - uniform: e_i(s) = log(abar [o_i = s] + (1 - abar)/S) (exact at abar = 1).
 * - mask: 0 for a masked leaf (MASK), exact elsewhere (abar does not enter: a visible
 *   symbol is the true one whatever the level).
 */
export function stateEvidence(input: DenoiserInput): Evidence {
  checkInput(input);
  const { batch, d, S, abar } = input;
  return observationEvidence(input.xt, batch, d, S, levelNoise(input.process, abar));
}

/** Per-leaf argmax of `[rows, S]` scores (first maximum on ties): ghm's. */
export { argmaxLeaves };

/** One-hot `[rows, S]` of symbols `[rows]`. */
export function oneHot(x: Int32Array, S: number): Float64Array {
  const out = new Float64Array(x.length * S);
  for (let r = 0; r < x.length; r++) {
    const s = x[r];
    if (!(s >= 0 && s < S)) throw new InputError("x", `oneHot: symbol x[${r}] = ${s} is outside [0, ${S})`);
    out[r * S + s] = 1;
  }
  return out;
}
