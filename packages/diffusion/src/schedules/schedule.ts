/**
 * A noise schedule: the signal level abar_t for integer steps t = 0..T (abar_0 = 1 is
 * clean data, abar decreases to abar_T close to 0) and its continuous-time form
 * abar(u), u in [0, 1]. Every process here (VP, uniform, mask) reads only abar:
 * VP keeps sqrt(abar) of the signal, uniform keeps a symbol with probability abar,
 * mask keeps it unmasked with probability abar.
 */
import { InputError } from "@ghmkit/ghm";
export type ScheduleKind = "linear" | "cosine";

export interface NoiseSchedule {
  readonly kind: ScheduleKind;
  /** Number of training steps T. */
  readonly T: number;
  /** Signal level at integer step t = 0..T; abar(0) = 1, non-increasing (decreasing until the ABAR_MIN floor). */
  abar(t: number): number;
  /** beta_t = 1 - abar_t / abar_{t-1}, t = 1..T. */
  beta(t: number): number;
  /** Continuous-time signal level, u in [0, 1]; abarAt(0) = 1, clamped below at ABAR_MIN. */
  abarAt(u: number): number;
  /** The configuration that rebuilds this schedule (saved with results). */
  readonly config: ScheduleConfig;
}

export interface ScheduleConfig {
  kind: ScheduleKind;
  T: number;
  /** linear: beta_1 (default 1e-4). */
  betaStart?: number;
  /** linear: beta_T (default 0.02). */
  betaEnd?: number;
  /** cosine: offset s (default 0.008). */
  s?: number;
}

/**
 * Floor on abar: keeps 1 - abar, log abar and sqrt(abar)/(1 - abar) finite at the
 * noisy end. At 1e-12 the VP signal is 1e-6 of the noise, i.e. pure noise for any use.
 */
export const ABAR_MIN = 1e-12;

/** A schedule tabulated from its betas: abar_t = prod_{s<=t} (1 - beta_s). */
export function tabulate(betas: Float64Array): { abar: Float64Array; beta: Float64Array } {
  const T = betas.length;
  const abar = new Float64Array(T + 1);
  const beta = new Float64Array(T + 1);
  abar[0] = 1;
  for (let t = 1; t <= T; t++) {
    const b = betas[t - 1];
    if (!(b > 0 && b < 1))
      throw new InputError("schedule", `schedule: beta_${t} = ${b} must be in (0, 1)`, `adjust the schedule options`);
    beta[t] = b;
    abar[t] = Math.max(ABAR_MIN, abar[t - 1] * (1 - b));
  }
  return { abar, beta };
}

export function checkSteps(T: number): void {
  if (!Number.isInteger(T) || T < 1 || T > 1e7)
    throw new InputError("T", `schedule T must be an integer in [1, 1e7], got ${T}`);
}

export function checkStep(t: number, T: number): void {
  if (!Number.isInteger(t) || t < 0 || t > T)
    throw new InputError("t", `step t must be an integer in [0, ${T}], got ${t}`);
}

export function checkTime(u: number): void {
  if (!(u >= 0 && u <= 1)) throw new InputError("u", `continuous time u must be in [0, 1], got ${u}`);
}

/**
 * The schedule of `config` from its per-step betas (tabulated once) and its
 * continuous-time form; every schedule kind shares the step and time checks.
 */
export function scheduleFromBetas(
  config: ScheduleConfig,
  betas: Float64Array,
  continuous: (u: number) => number,
): NoiseSchedule {
  const { T } = config;
  const tab = tabulate(betas);
  return {
    kind: config.kind,
    T,
    config,
    abar(t) {
      checkStep(t, T);
      return tab.abar[t];
    },
    beta(t) {
      checkStep(t, T);
      if (t === 0) throw new InputError("t", "beta_t is defined for t = 1..T, got t = 0");
      return tab.beta[t];
    },
    abarAt(u) {
      checkTime(u);
      return u === 0 ? 1 : continuous(u);
    },
  };
}
