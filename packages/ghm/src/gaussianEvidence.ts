/**
 * `gaussian` evidence (one-hot embedding): z_i = alpha onehot(x_i) + sigma g_i,
 * g_i ~ N(0, I_S), so e_i(s) = (alpha / sigma^2) z_i[s] (SPEC.md section 2).
 * The coefficient is computed as (alpha / sigma) / sigma so that sigma down to
 * ~1e-154 does not underflow sigma^2 to 0; any entry that still overflows is
 * refused rather than turned into an Infinity or NaN.
 */
import { InputError } from "./inputError";
import { type Evidence, checkSymbols, evidenceSize } from "./evidence";
import { requireNumber } from "./checks";
import type { Rng } from "./rng";

export interface GaussianEvidence {
  evidence: Evidence;
  /** Row-major `[batch, d, S]` noisy embedding z. */
  z: Float64Array;
}

function checkNoise(alpha: number, sigma: number): void {
  // alpha = 0 is the fully-noised limit of diffusion (abar_t = 0): e = 0, no information.
  requireNumber("alpha", alpha, 0, Infinity);
  requireNumber("sigma", sigma, 0, Infinity, true);
}

/** Draw z for the symbols x (`[batch, d]`) and return it with its evidence. */
export function gaussianEvidence(
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  alpha: number,
  sigma: number,
  rng: Rng,
): GaussianEvidence {
  checkNoise(alpha, sigma);
  const n = evidenceSize(batch, d, S);
  checkSymbols("x", x, batch, d, S);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = sigma * rng.normal();
  for (let i = 0; i < batch * d; i++) z[i * S + x[i]] += alpha;
  return { evidence: gaussianEvidenceFromZ(z, batch, d, S, alpha, sigma), z };
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
  checkNoise(alpha, sigma);
  const n = evidenceSize(batch, d, S);
  if (z.length !== n)
    throw new InputError("z", `has ${z.length} entries, expected batch * d * S = ${batch} * ${d} * ${S} = ${n}`);
  const c = alpha / sigma / sigma;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const zi = z[i];
    if (!Number.isFinite(zi)) throw new InputError(`z[${i}]`, `is ${zi}: expected a finite number`);
    const v = c * zi;
    if (!Number.isFinite(v)) {
      throw new InputError(
        `z[${i}]`,
        `e = (alpha / sigma^2) * z overflows (alpha = ${alpha}, sigma = ${sigma}, z = ${zi})`,
        "rescale z or use a larger sigma",
      );
    }
    e[i] = v;
  }
  return { batch, d, S, e };
}
