/**
 * How a training row's signal level abar is drawn (the weighting of noise levels
 * in the denoiser loss). The sampler does not visit levels uniformly in abar: a
 * linear schedule spends most of its steps near pure noise and a few near clean
 * data, so the options let training match the levels a diffusion run uses.
 *
 * - `uniform`: abar ~ U[abarMin, abarMax] (the default, and the only mode of old configs).
 * - `logsnr`: log SNR = log(abar / (1 - abar)) uniform between its values at abarMin and abarMax.
 * - `schedule`: t uniform among the timesteps of a diffusion schedule (linear or
 *   cosine) whose abar(t) lies in [abarMin, abarMax]: with `steps` = T', the T' timesteps
 *   a T'-step reverse sampler visits (T = max(1000, T'), as `ghm diffuse`), so training
 *   sees each level the sampler evaluates as often as it does; without, every timestep
 *   1..1000. `config.diffusion` sets these fields (diffusionSpec.ts).
 */
import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { GaussianNoise } from "./config";
import { samplerLevels } from "./diffusionSpec";

export type AbarSampler = (rng: Rng) => number;

const logit = (a: number): number => Math.log(a / (1 - a));
const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));

/**
 * abar of the named schedule at the timesteps of a `steps`-step sampler (default 1000:
 * every timestep of T = 1000) that lie in [lo, hi], in increasing t (decreasing abar).
 */
export function scheduleLevels(kind: "linear" | "cosine", lo: number, hi: number, steps = 1000): Float64Array {
  return samplerLevels(kind, steps)
    .reverse()
    .filter((a) => a >= lo && a <= hi);
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
  const levels = scheduleLevels(noise.schedule ?? "linear", lo, hi, noise.steps);
  if (levels.length === 0) {
    throw new InputError(
      "config.noise",
      `config.noise: no timestep of the ${noise.schedule ?? "linear"} schedule has abar in [${lo}, ${hi}]; widen abarMin..abarMax`,
    );
  }
  return (rng) => levels[rng.int(levels.length)];
}
