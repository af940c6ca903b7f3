/**
 * How a training row's signal level abar is drawn (the weighting of noise levels
 * in the denoiser loss). The sampler does not visit levels uniformly in abar: a
 * linear schedule spends most of its steps near pure noise and a few near clean
 * data, so the options let training match the levels a diffusion run uses.
 *
 * - `uniform`: abar ~ U[abarMin, abarMax] (the default, and the only mode of old configs).
 * - `logsnr`: log SNR = log(abar / (1 - abar)) uniform between its values at abarMin and abarMax.
 * - `schedule`: t uniform among the timesteps 1..T of a diffusion schedule (linear or
 *   cosine, T = 1000: `ghm diffuse`'s defaults) whose abar(t) lies in [abarMin, abarMax].
 */
import { Rng } from "@ghmkit/ghm";
import { cosineSchedule, linearSchedule } from "@ghmkit/diffusion";
import type { GaussianNoise } from "./config";

export type AbarSampler = (rng: Rng) => number;

const logit = (a: number): number => Math.log(a / (1 - a));
const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));

/** The timesteps' abar of the named schedule that lie in [lo, hi] (T = 1000, the sampler's default). */
export function scheduleLevels(kind: "linear" | "cosine", lo: number, hi: number): Float64Array {
  const s = kind === "cosine" ? cosineSchedule({ T: 1000 }) : linearSchedule({ T: 1000 });
  const out: number[] = [];
  for (let t = 1; t <= s.config.T; t++) {
    const a = s.abar(t);
    if (a >= lo && a <= hi) out.push(a);
  }
  return Float64Array.from(out);
}

/** A sampler of abar for the noise spec; every draw lies in [abarMin, abarMax]. */
export function abarSampler(noise: GaussianNoise): AbarSampler {
  const { abarMin: lo, abarMax: hi } = noise;
  const mode = noise.sampling ?? "uniform";
  if (mode === "uniform") return (rng) => lo + (hi - lo) * rng.uniform();
  if (mode === "logsnr") {
    const l0 = logit(lo);
    const l1 = logit(hi);
    return (rng) => Math.min(hi, Math.max(lo, sigmoid(l0 + (l1 - l0) * rng.uniform())));
  }
  const levels = scheduleLevels(noise.schedule ?? "linear", lo, hi);
  if (levels.length === 0) {
    throw new RangeError(`config.noise: no timestep of the ${noise.schedule ?? "linear"} schedule has abar in [${lo}, ${hi}]; widen abarMin..abarMax`);
  }
  return (rng) => levels[rng.int(levels.length)];
}
