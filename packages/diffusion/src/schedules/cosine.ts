import { InputError } from "@ghmkit/ghm";
import { ABAR_MIN, type NoiseSchedule, checkSteps, scheduleFromBetas } from "./schedule";

/**
 * Cosine schedule (Nichol & Dhariwal 2021): abar(u) = f(u)/f(0) with
 * f(u) = cos(((u + s)/(1 + s)) * pi/2)^2. The discrete betas are
 * 1 - abar(t/T)/abar((t-1)/T), clipped at maxBeta = 0.999 as in the paper so the last
 * step does not jump to abar = 0.
 */
export function cosineSchedule(options: { T?: number; s?: number } = {}): NoiseSchedule {
  const T = options.T ?? 1000;
  const s = options.s ?? 0.008;
  checkSteps(T);
  if (!(s >= 0 && s < 1)) throw new InputError("s", `cosine offset s must be in [0, 1), got ${s}`);
  const f = (u: number): number => Math.cos(((u + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const f0 = f(0);
  const continuous = (u: number): number => Math.max(ABAR_MIN, Math.min(1, f(u) / f0));
  const betas = new Float64Array(T);
  for (let t = 1; t <= T; t++) betas[t - 1] = Math.min(0.999, 1 - continuous(t / T) / continuous((t - 1) / T));
  return scheduleFromBetas({ kind: "cosine", T, s }, betas, continuous);
}
