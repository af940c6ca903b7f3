import { InputError } from "@ghmkit/ghm";
import { ABAR_MIN, type NoiseSchedule, checkSteps, scheduleFromBetas } from "./schedule";

/**
 * Linear beta schedule (Ho et al. 2020): beta_t from betaStart to betaEnd, linear in
 * t. Its continuous-time limit is the VP SDE with beta(u) = T*(betaStart + u*(betaEnd -
 * betaStart)), so abar(u) = exp(-T*(betaStart*u + (betaEnd - betaStart)*u^2/2)).
 */
export function linearSchedule(options: { T?: number; betaStart?: number; betaEnd?: number } = {}): NoiseSchedule {
  const T = options.T ?? 1000;
  const betaStart = options.betaStart ?? 1e-4;
  const betaEnd = options.betaEnd ?? 0.02;
  checkSteps(T);
  if (!(betaStart > 0 && betaStart < 1)) throw new InputError("betaStart", `must be in (0, 1), got ${betaStart}`);
  if (!(betaEnd >= betaStart && betaEnd < 1))
    throw new InputError("betaEnd", `must be in [betaStart, 1), got ${betaEnd}`);
  const betas = new Float64Array(T);
  for (let t = 1; t <= T; t++)
    betas[t - 1] = T === 1 ? betaEnd : betaStart + ((betaEnd - betaStart) * (t - 1)) / (T - 1);
  return scheduleFromBetas({ kind: "linear", T, betaStart, betaEnd }, betas, (u) => {
    const integral = T * (betaStart * u + ((betaEnd - betaStart) * u * u) / 2);
    return Math.max(ABAR_MIN, Math.exp(-integral));
  });
}
