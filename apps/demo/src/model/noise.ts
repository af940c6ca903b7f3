/**
 * The noise slider. One fixed standard-normal draw eps per (sample, noise seed) is
 * rescaled as the slider moves, so the picture changes smoothly with the noise level
 * instead of jumping to fresh noise at every position.
 * - gaussian: z = onehot(x) + sigma eps (alpha = 1), e = z / sigma^2 (SPEC.md section 2).
 * - vp: u in [0, 1] -> abar(u) of the schedule, x_t = sqrt(abar) onehot(x) + sqrt(1 - abar) eps,
 *   e = sqrt(abar)/(1 - abar) x_t (exact at u = 0) (SPEC.md section 5).
 * Both are the same family of evidence: gaussian sigma is vp with abar = 1/(1 + sigma^2).
 */
import { type Evidence, Rng, gaussianEvidenceFromZ } from "@ghmkit/ghm";
import { type NoiseSchedule, linearSchedule, stateEvidence } from "@ghmkit/diffusion";

export type NoiseSetting = { kind: "gaussian"; sigma: number } | { kind: "vp"; u: number };

export interface Observation {
  setting: NoiseSetting;
  /** Signal level abar with the same evidence (vp: abar(u); gaussian: 1/(1 + sigma^2)). */
  abar: number;
  /** The noisy leaves `[d, S]`. */
  z: Float64Array;
  evidence: Evidence;
}

/** The schedule behind the vp slider and the diffusion sampler: the default linear one, T = 1000. */
export const DEMO_SCHEDULE: NoiseSchedule = linearSchedule();

/** Slider bounds of sigma: at 0 the evidence is exact, which the vp slider shows at u = 0. */
export const SIGMA_RANGE = { min: 0.05, max: 3 } as const;

/** `count` standard normals from `new Rng(seed)`, in the order gaussianEvidence draws them. */
export function drawEps(count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const eps = new Float64Array(count);
  for (let i = 0; i < count; i++) eps[i] = rng.normal();
  return eps;
}

export function observe(
  x: Int32Array,
  S: number,
  setting: NoiseSetting,
  eps: Float64Array,
  schedule: NoiseSchedule = DEMO_SCHEDULE,
): Observation {
  const d = x.length;
  if (eps.length !== d * S) throw new RangeError(`eps has ${eps.length} entries, expected d * S = ${d * S}`);
  if (setting.kind === "gaussian") {
    const { sigma } = setting;
    if (!(sigma >= SIGMA_RANGE.min && sigma <= SIGMA_RANGE.max))
      throw new RangeError(`sigma must be in [${SIGMA_RANGE.min}, ${SIGMA_RANGE.max}], got ${sigma}`);
    const z = noisy(x, S, 1, sigma, eps);
    return { setting, abar: 1 / (1 + sigma * sigma), z, evidence: gaussianEvidenceFromZ(z, 1, d, S, 1, sigma) };
  }
  const { u } = setting;
  if (!(u >= 0 && u <= 1)) throw new RangeError(`diffusion time u must be in [0, 1], got ${u}`);
  const abar = schedule.abarAt(u);
  const z = noisy(x, S, Math.sqrt(abar), Math.sqrt(1 - abar), eps);
  return { setting, abar, z, evidence: stateEvidence({ process: "vp", batch: 1, d, S, abar, xt: z }) };
}

function noisy(x: Int32Array, S: number, alpha: number, sigma: number, eps: Float64Array): Float64Array {
  const z = new Float64Array(x.length * S);
  for (let i = 0; i < z.length; i++) z[i] = sigma * eps[i];
  for (let i = 0; i < x.length; i++) z[i * S + x[i]] += alpha;
  return z;
}
