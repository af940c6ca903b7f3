import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import { MASK } from "../denoiser";
import type { NoiseSchedule } from "../schedules/schedule";
import { BaseScheduler } from "./scheduler";
import { symbolsPerLeaf } from "./uniform";

/**
 * D3PM reverse step for the absorbing (mask) process. Forward, a leaf is still
 * visible at t with probability abar_t, so the posterior is: a visible leaf stays
 * as it is; a masked leaf is unmasked at t' with probability
 * (abar_t' - abar_t)/(1 - abar_t), taking the value x_0, else stays masked.
 * x_0 comes from p(x_0 | x_t) per leaf (factorised: leaves unmasked in the same
 * step are drawn independently) or from the one-hot of a joint draw (exact).
 * At the last step abar_0 = 1 unmasks everything.
 */
export class MaskScheduler extends BaseScheduler<Int32Array> {
  constructor(schedule: NoiseSchedule) {
    super(schedule, "mask");
  }

  priorSample(rows: number): Int32Array {
    return new Int32Array(rows).fill(MASK);
  }

  step(x0: Float64Array, t: number, sample: Int32Array, rng: Rng): Int32Array {
    const S = symbolsPerLeaf(x0, sample, "MaskScheduler");
    const { abarT, abarPrev, last } = this.levels(t);
    const unmask = last ? 1 : (abarPrev - abarT) / (1 - abarT);
    const out = Int32Array.from(sample);
    for (let r = 0; r < sample.length; r++) {
      const v = sample[r];
      if (v !== MASK) {
        if (!(v >= 0 && v < S))
          throw new InputError(
            `sample[${r}]`,
            `MaskScheduler.step: sample[${r}] = ${v} must be in [0, ${S}) or MASK = ${MASK}`,
          );
        continue;
      }
      if (rng.uniform() < unmask) out[r] = rng.categorical(x0, r * S, S);
    }
    return out;
  }
}
