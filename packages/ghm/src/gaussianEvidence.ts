/**
 * `gaussian` evidence (one-hot embedding) of an observed z: z_i = alpha onehot(x_i) + sigma g_i,
 * g_i ~ N(0, I_S), so e_i(s) = (alpha / sigma^2) z_i[s] (SPEC.md section 2). Drawing z
 * from clean leaves is noisyEvidence's job (noisyEvidence.ts).
 * The coefficient is computed as (alpha / sigma) / sigma so that sigma down to
 * ~1e-154 does not underflow sigma^2 to 0; any entry that still overflows is
 * refused rather than turned into an Infinity or NaN.
 */
import { InputError } from "./inputError";
import { requireNumber } from "./checks";
import { type Evidence, evidenceSize } from "./evidence";

export function checkGaussianNoise(alpha: number, sigma: number): void {
  // alpha = 0 is the fully-noised limit of diffusion (abar_t = 0): e = 0, no information.
  requireNumber("alpha", alpha, 0, Infinity);
  requireNumber("sigma", sigma, 0, Infinity, true);
}

/** Evidence of an observed embedding z (`[batch, d, S]`, e.g. a diffusion state x_t). */
export function gaussianEvidenceFromZ(
  z: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  alpha: number,
  sigma: number,
): Evidence {
  checkGaussianNoise(alpha, sigma);
  const n = evidenceSize(batch, d, S);
  if (z.length !== n)
    throw new InputError("z", `has ${z.length} entries, expected batch * d * S = ${batch} * ${d} * ${S} = ${n}`);
  const e = new Float64Array(n);
  fillGaussianEvidence(z, e, 0, alpha, sigma);
  return { batch, d, S, e };
}

/**
 * e[at + i] = (alpha / sigma^2) z[i] for every i of z (a whole observation or one row of
 * it, at offset `at`); parameters already checked. Messages index z from `at`.
 */
export function fillGaussianEvidence(
  z: ArrayLike<number>,
  e: Float64Array,
  at: number,
  alpha: number,
  sigma: number,
): void {
  const c = alpha / sigma / sigma;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i];
    if (!Number.isFinite(zi)) throw new InputError(`z[${at + i}]`, `is ${zi}: expected a finite number`);
    const v = c * zi;
    if (!Number.isFinite(v)) {
      throw new InputError(
        `z[${at + i}]`,
        `e = (alpha / sigma^2) * z overflows (alpha = ${alpha}, sigma = ${sigma}, z = ${zi})`,
        "rescale z or use a larger sigma",
      );
    }
    e[at + i] = v;
  }
}
