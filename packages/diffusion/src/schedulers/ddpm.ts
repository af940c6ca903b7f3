import type { Rng } from "@ghmkit/ghm";
import type { NoiseSchedule } from "../schedules/schedule";
import { BaseScheduler, type LinearScheduler, type LinearStep, checkShapes } from "./scheduler";

/**
 * DDPM ancestral sampler for the VP process, x_0-prediction parametrisation
 * (Ho et al. 2020): x_{t'} ~ q(x_{t'} | x_t, x0_hat), t' = prev(t), the Gaussian
 * posterior with
 *   mean = sqrt(abar_t') beta/(1 - abar_t) x0_hat + sqrt(alpha)(1 - abar_t')/(1 - abar_t) x_t,
 *   var  = (1 - abar_t')/(1 - abar_t) beta,   alpha = abar_t/abar_t', beta = 1 - alpha.
 * With x0_hat = E[onehot(x_0) | x_t] this is the standard DDPM step; with x0_hat the
 * one-hot of an exact joint draw it is exact ancestral sampling of the reverse chain
 * (the true q(x_t' | x_t) is the mixture of these Gaussians over x_0 ~ p(x_0 | x_t)).
 * The last step (t' = 0) returns x0_hat itself (variance 0).
 */
export class DDPMScheduler extends BaseScheduler<Float64Array> implements LinearScheduler {
  constructor(schedule: NoiseSchedule) {
    super(schedule, "ddpm");
  }

  priorSample(rows: number, S: number, rng: Rng): Float64Array {
    const out = new Float64Array(rows * S);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    return out;
  }

  linearStep(t: number): LinearStep {
    const { abarT, abarPrev, last } = this.levels(t);
    if (last) return { cX0: 1, cXt: 0, cNoise: 0, draws: false, last };
    const alpha = abarT / abarPrev;
    const beta = 1 - alpha;
    return {
      cX0: (Math.sqrt(abarPrev) * beta) / (1 - abarT),
      cXt: (Math.sqrt(alpha) * (1 - abarPrev)) / (1 - abarT),
      cNoise: Math.sqrt(((1 - abarPrev) / (1 - abarT)) * beta),
      draws: true,
      last,
    };
  }

  step(x0: Float64Array, t: number, sample: Float64Array, rng: Rng): Float64Array {
    checkShapes(x0, sample.length, 1, "DDPMScheduler");
    const { cX0: c0, cXt: ct, cNoise: sd, last } = this.linearStep(t);
    if (last) return Float64Array.from(x0);
    const out = new Float64Array(sample.length);
    for (let i = 0; i < out.length; i++) out[i] = c0 * x0[i] + ct * sample[i] + sd * rng.normal();
    return out;
  }
}
