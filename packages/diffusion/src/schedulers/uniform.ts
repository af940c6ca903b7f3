import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { NoiseSchedule } from "../schedules/schedule";
import { BaseScheduler } from "./scheduler";

/**
 * D3PM reverse step for uniform replacement noise (Austin et al. 2021). One step
 * t -> t' keeps a symbol with probability alpha = abar_t/abar_t', else redraws it
 * uniformly; the posterior is
 *   q(x_t' = s | x_t, x_0) = A(s) B(s, x_0) / q(x_t | x_0),
 *   A(s) = alpha [s = x_t] + (1 - alpha)/S,  B(s, x_0) = abar_t' [s = x_0] + (1 - abar_t')/S,
 *   q(x_t | x_0) = abar_t [x_t = x_0] + (1 - abar_t)/S.
 * Each leaf draws x_t' from sum_{x_0} q(x_t' | x_t, x_0) p(x_0 | x_t): with per-leaf
 * p this is the factorised reverse step (exact per leaf, not jointly); with the
 * one-hot of a joint draw x_0 it is exact.
 */
export class UniformScheduler extends BaseScheduler<Int32Array> {
  constructor(schedule: NoiseSchedule) {
    super(schedule, "uniform");
  }

  priorSample(rows: number, S: number, rng: Rng): Int32Array {
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = rng.int(S);
    return out;
  }

  step(x0: Float64Array, t: number, sample: Int32Array, rng: Rng): Int32Array {
    const S = symbolsPerLeaf(x0, sample, "UniformScheduler");
    const { abarT, abarPrev } = this.levels(t);
    const alpha = abarT / abarPrev;
    const w = new Float64Array(S);
    const p = new Float64Array(S);
    const out = new Int32Array(sample.length);
    for (let r = 0; r < sample.length; r++) {
      const xt = sample[r];
      if (!(xt >= 0 && xt < S))
        throw new InputError(`sample[${r}]`, `UniformScheduler.step: sample[${r}] = ${xt} is outside [0, ${S})`);
      let W = 0;
      for (let s = 0; s < S; s++) {
        w[s] = x0[r * S + s] / ((s === xt ? abarT : 0) + (1 - abarT) / S);
        W += w[s];
      }
      for (let s = 0; s < S; s++) {
        const A = (s === xt ? alpha : 0) + (1 - alpha) / S;
        p[s] = A * (abarPrev * w[s] + ((1 - abarPrev) / S) * W);
      }
      out[r] = rng.categorical(p);
    }
    return out;
  }
}

export function symbolsPerLeaf(x0: Float64Array, sample: Int32Array, name: string): number {
  const S = x0.length / sample.length;
  if (!Number.isInteger(S) || S < 1)
    throw new InputError(
      "x0",
      `${name}.step: x0 has ${x0.length} entries, not a multiple of the ${sample.length} leaves`,
    );
  return S;
}
