/**
 * The noise slider. The observation is ghm's noisyEvidence of the sample under the
 * slider's noise model, always drawn from `new Rng(noise seed)`: the same standard
 * normals are rescaled as the slider moves, so the picture changes smoothly with the
 * noise level instead of jumping to fresh noise at every position.
 * - gaussian: alpha = 1, the slider sets sigma (SPEC.md section 2).
 * - vp: u in [0, 1] -> abar(u) of the schedule, x_t = sqrt(abar) onehot(x) + sqrt(1 - abar) eps
 *   (exact at u = 0) (SPEC.md section 5).
 * Both are the same family of evidence: gaussian sigma is vp with abar = 1/(1 + sigma^2).
 */
import { type Evidence, type Noise, Rng, noisyEvidence } from "@ghmkit/ghm";
import { type NoiseSchedule, linearSchedule } from "@ghmkit/diffusion";

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

/** The noise model of a slider position. */
export function sliderNoise(setting: NoiseSetting, schedule: NoiseSchedule = DEMO_SCHEDULE): Noise {
  if (setting.kind === "gaussian") {
    const { sigma } = setting;
    if (!(sigma >= SIGMA_RANGE.min && sigma <= SIGMA_RANGE.max))
      throw new RangeError(`sigma must be in [${SIGMA_RANGE.min}, ${SIGMA_RANGE.max}], got ${sigma}`);
    return { kind: "gaussian", alpha: 1, sigma };
  }
  const { u } = setting;
  if (!(u >= 0 && u <= 1)) throw new RangeError(`diffusion time u must be in [0, 1], got ${u}`);
  return { kind: "vp", abar: schedule.abarAt(u) };
}

/** The observation of the leaves x (`[d]`) at a slider position, its noise drawn from `new Rng(noiseSeed)`. */
export function observe(
  x: Int32Array,
  S: number,
  setting: NoiseSetting,
  noiseSeed: number,
  schedule: NoiseSchedule = DEMO_SCHEDULE,
): Observation {
  const r = noisyEvidence(x, 1, x.length, S, sliderNoise(setting, schedule), new Rng(noiseSeed), { keepZ: true });
  return { setting, abar: r.abar![0], z: r.z!, evidence: r.evidence };
}
