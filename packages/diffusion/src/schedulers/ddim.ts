import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { NoiseSchedule } from "../schedules/schedule";
import { BaseScheduler, type LinearScheduler, type LinearStep, type SchedulerConfig, checkShapes } from "./scheduler";

/**
 * DDIM sampler for the VP process (Song, Meng, Ermon 2021). With the implied noise
 * eps_hat = (x_t - sqrt(abar_t) x0_hat)/sqrt(1 - abar_t):
 *   x_{t'} = sqrt(abar_t') x0_hat + sqrt(1 - abar_t' - s^2) eps_hat + s z,
 *   s = eta sqrt((1 - abar_t')/(1 - abar_t)) sqrt(1 - abar_t/abar_t').
 * eta = 0 (default) is deterministic given x_T: a discretisation of the probability
 * flow ODE. The last step (t' = 0) returns x0_hat.
 */
export class DDIMScheduler extends BaseScheduler<Float64Array> implements LinearScheduler {
  readonly eta: number;

  constructor(schedule: NoiseSchedule, options: { eta?: number } = {}) {
    super(schedule, "ddim");
    this.eta = options.eta ?? 0;
    if (!(this.eta >= 0 && this.eta <= 1)) throw new InputError("eta", `ddim eta must be in [0, 1], got ${this.eta}`);
  }

  override get config(): SchedulerConfig {
    return { ...super.config, eta: this.eta };
  }

  priorSample(rows: number, S: number, rng: Rng): Float64Array {
    const out = new Float64Array(rows * S);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    return out;
  }

  /** The step below with eps_hat expanded: cX0 = sqrt(abar_t') - cEps sqrt(abar_t)/sqrt(1 - abar_t), cXt = cEps/sqrt(1 - abar_t). */
  linearStep(t: number): LinearStep {
    const { abarT, abarPrev, last } = this.levels(t);
    if (last) return { cX0: 1, cXt: 0, cNoise: 0, draws: false, last };
    const s = this.eta * Math.sqrt(((1 - abarPrev) / (1 - abarT)) * (1 - abarT / abarPrev));
    const inv = 1 / Math.sqrt(1 - abarT);
    const cEps = Math.sqrt(Math.max(0, 1 - abarPrev - s * s));
    return { cX0: Math.sqrt(abarPrev) - cEps * inv * Math.sqrt(abarT), cXt: cEps * inv, cNoise: s, draws: s > 0, last };
  }

  step(x0: Float64Array, t: number, sample: Float64Array, rng: Rng): Float64Array {
    checkShapes(x0, sample.length, 1, "DDIMScheduler");
    const { abarT, abarPrev, last } = this.levels(t);
    if (last) return Float64Array.from(x0);
    const s = this.eta * Math.sqrt(((1 - abarPrev) / (1 - abarT)) * (1 - abarT / abarPrev));
    const a = Math.sqrt(abarT);
    const inv = 1 / Math.sqrt(1 - abarT);
    const cEps = Math.sqrt(Math.max(0, 1 - abarPrev - s * s));
    const cX0 = Math.sqrt(abarPrev);
    const out = new Float64Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      const eps = (sample[i] - a * x0[i]) * inv;
      out[i] = cX0 * x0[i] + cEps * eps + (s > 0 ? s * rng.normal() : 0);
    }
    return out;
  }
}
