import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { NoiseSchedule } from "../schedules/schedule";

/**
 * A reverse-process scheduler in the diffusers style: `setTimesteps(n)`, then for
 * each t in `timesteps` (descending, from T) `step(x0, t, sample, rng)` returns the
 * sample at the previous timestep (0 after the last one). It is driven the same way
 * whatever the denoiser: `x0` is the denoiser's x_0 prediction `[batch, d, S]`,
 * either per-leaf probabilities p(x_0 | x_t) (what `Denoiser.posterior` returns) or
 * the one-hot of a joint draw (`Denoiser.sampleJoint`), which makes the step exact.
 */
export interface Scheduler<State> {
  /** The configuration that rebuilds this scheduler (saved with results). */
  readonly config: SchedulerConfig;
  readonly schedule: NoiseSchedule;
  /** Descending steps in [1, T] of the current sampling run. */
  readonly timesteps: number[];
  /** Space n steps evenly over T..1 (n = T visits every step). */
  setTimesteps(n: number): void;
  /** The timestep after t in `timesteps`, 0 after the last. */
  prevTimestep(t: number): number;
  /** A draw of x_T from the process's stationary distribution, `rows` leaves of S symbols. */
  priorSample(rows: number, S: number, rng: Rng): State;
  /** x_{prev(t)} given x_t = sample and the x_0 prediction. */
  step(x0: Float64Array, t: number, sample: State, rng: Rng): State;
}

export type SamplerName = "ddpm" | "ddim" | "uniform" | "mask";

export interface SchedulerConfig {
  sampler: SamplerName;
  schedule: NoiseSchedule["config"];
  steps: number;
  /** ddim only: 0 = deterministic (probability flow); 1 = DDPM-like noise. */
  eta?: number;
}

/** Timestep bookkeeping shared by every scheduler. */
export abstract class BaseScheduler<State> implements Scheduler<State> {
  timesteps: number[] = [];
  private prev = new Map<number, number>();

  constructor(
    readonly schedule: NoiseSchedule,
    protected readonly sampler: SamplerName,
  ) {
    this.setTimesteps(schedule.T);
  }

  get config(): SchedulerConfig {
    return { sampler: this.sampler, schedule: this.schedule.config, steps: this.timesteps.length };
  }

  setTimesteps(n: number): void {
    const T = this.schedule.T;
    if (!Number.isInteger(n) || n < 1 || n > T)
      throw new InputError(
        "steps",
        `must be an integer in [1, T = ${T}], got ${n}`,
        `raise the schedule's T or use fewer steps`,
      );
    const ts: number[] = [];
    for (let k = n; k >= 1; k--) ts.push(Math.round((k * T) / n));
    this.timesteps = ts;
    this.prev = new Map(ts.map((t, i) => [t, i + 1 < ts.length ? ts[i + 1] : 0]));
  }

  prevTimestep(t: number): number {
    const p = this.prev.get(t);
    if (p === undefined)
      throw new InputError(
        "t",
        `timestep ${t} is not one of this scheduler's timesteps`,
        `call setTimesteps first and step through timesteps`,
      );
    return p;
  }

  /** abar at t and at the previous timestep. */
  protected levels(t: number): { abarT: number; abarPrev: number; last: boolean } {
    const p = this.prevTimestep(t);
    return { abarT: this.schedule.abar(t), abarPrev: this.schedule.abar(p), last: p === 0 };
  }

  abstract priorSample(rows: number, S: number, rng: Rng): State;
  abstract step(x0: Float64Array, t: number, sample: State, rng: Rng): State;
}

/**
 * A VP reverse step as a linear map, x_{t'} = cX0 x0_hat + cXt x_t + cNoise z, with z
 * standard normal drawn entry by entry from the step's Rng when `draws` (a sampler that
 * keeps its state elsewhere, e.g. on a tensor backend, applies it there). `last`: t' = 0,
 * where the step returns x0_hat.
 */
export interface LinearStep {
  cX0: number;
  cXt: number;
  cNoise: number;
  draws: boolean;
  last: boolean;
}

/** A VP scheduler whose step is a LinearStep (DDPM, DDIM). */
export interface LinearScheduler extends Scheduler<Float64Array> {
  linearStep(t: number): LinearStep;
}

export function checkShapes(x0: Float64Array, sampleLength: number, perRow: number, name: string): void {
  if (x0.length !== sampleLength * perRow) {
    throw new InputError("x0", `${name}.step: x0 has ${x0.length} entries, the sample needs ${sampleLength * perRow}`);
  }
}
