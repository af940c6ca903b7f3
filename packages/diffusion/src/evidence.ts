import { InputError } from "@ghmkit/ghm";
import { type Evidence, exactEvidence, gaussianEvidenceFromZ, maskedEvidence, uniformEvidence } from "@ghmkit/ghm";
import { type DenoiserInput, checkInput } from "./denoiser";

/**
 * Leaf evidence e `[batch, d, S]` (SPEC.md section 2) of a noisy diffusion state:
 * what BP consumes and what a network may take as its input.
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
  switch (input.process) {
    case "vp":
      if (abar === 1) return exactEvidence(argmaxLeaves(input.xt, batch * d, S), batch, d, S);
      return gaussianEvidenceFromZ(input.xt, batch, d, S, Math.sqrt(abar), Math.sqrt(1 - abar));
    case "uniform":
      return uniformEvidence(input.xt, batch, d, S, abar);
    case "mask":
      return maskedEvidence(input.xt, batch, d, S);
  }
}

/** Per-leaf argmax of `[rows, S]` scores (first maximum on ties). */
export function argmaxLeaves(p: ArrayLike<number>, rows: number, S: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = p[r * S];
    for (let s = 1; s < S; s++) {
      const v = p[r * S + s];
      if (v > bv) {
        bv = v;
        best = s;
      }
    }
    out[r] = best;
  }
  return out;
}

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
