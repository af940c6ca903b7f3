import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";

/**
 * Continuous variance-preserving process on one-hot leaves (SPEC.md section 5):
 * x_t = sqrt(abar) onehot(x_0) + sqrt(1 - abar) eps, eps ~ N(0, I).
 */

/** Forward draw of x_t `[rows, S]` from symbols x_0 `[rows]` at signal level abar. */
export function qSampleVP(x0: Int32Array, S: number, abar: number, rng: Rng): Float64Array {
  checkAbar(abar);
  const a = Math.sqrt(abar);
  const sigma = Math.sqrt(1 - abar);
  const out = new Float64Array(x0.length * S);
  for (let r = 0; r < x0.length; r++) {
    const s0 = x0[r];
    if (!(s0 >= 0 && s0 < S)) throw new InputError(`x0[${r}]`, `qSampleVP: x0[${r}] = ${s0} is outside [0, ${S})`);
    for (let s = 0; s < S; s++) out[r * S + s] = (s === s0 ? a : 0) + sigma * rng.normal();
  }
  return out;
}

/**
 * Tweedie's formula: score(x_t) = grad log p_t(x_t) = (sqrt(abar) E[x_0 | x_t] - x_t)/(1 - abar),
 * with x0Mean = E[onehot(x_0) | x_t] `[rows, S]` from a denoiser. Undefined at abar = 1.
 */
export function tweedieScore(x0Mean: Float64Array, xt: Float64Array, abar: number): Float64Array {
  checkAbar(abar);
  if (abar === 1)
    throw new InputError("abar", "tweedieScore: the score is undefined at abar = 1 (no noise)", "use a step t >= 1");
  if (x0Mean.length !== xt.length)
    throw new InputError(
      "x0Mean",
      `tweedieScore: x0Mean has ${x0Mean.length} entries, xt has ${xt.length}; they must match`,
    );
  const a = Math.sqrt(abar);
  const out = new Float64Array(xt.length);
  for (let i = 0; i < xt.length; i++) out[i] = (a * x0Mean[i] - xt[i]) / (1 - abar);
  return out;
}

/** The noise eps that the x_0 prediction implies: (x_t - sqrt(abar) x0)/sqrt(1 - abar). */
export function epsFromX0(x0: Float64Array, xt: Float64Array, abar: number): Float64Array {
  const a = Math.sqrt(abar);
  const sigma = Math.sqrt(1 - abar);
  const out = new Float64Array(xt.length);
  for (let i = 0; i < xt.length; i++) out[i] = (xt[i] - a * x0[i]) / sigma;
  return out;
}

export function checkAbar(abar: number): void {
  if (!(abar > 0 && abar <= 1)) throw new InputError("abar", `must be in (0, 1], got ${abar}`);
}
