/**
 * The diffusion sampler, one reverse step per call, so the page can draw the tree
 * between steps. It makes exactly the calls `generate` (@ghmkit/diffusion) makes for
 * one sample with the same options and seed (its first batch Rng is
 * `new Rng(seed).fork()`), so a run here ends on the sequence `generate` returns.
 */
import { type Grammar, Rng, leafCount } from "@ghmkit/ghm";
import {
  type ContinuousInput,
  DDIMScheduler,
  DDPMScheduler,
  type Denoiser,
  type NoiseSchedule,
  type Scheduler,
  argmaxLeaves,
  oneHot,
} from "@ghmkit/diffusion";
import { DEMO_SCHEDULE } from "./noise";

export interface StepperOptions {
  grammar: Grammar;
  denoiser: Denoiser;
  sampler: "ddpm" | "ddim";
  /** Reverse steps, spaced evenly over the schedule's T. */
  steps: number;
  seed: number;
  /** "joint": each step uses the one-hot of an exact joint draw (needs denoiser.sampleJoint). */
  x0: "marginal" | "joint";
  schedule?: NoiseSchedule;
}

export class DiffusionStepper {
  readonly d: number;
  readonly S: number;
  private readonly scheduler: Scheduler<Float64Array>;
  private readonly rng: Rng;
  private k = 0;
  /** The current state x_t `[d, S]`. */
  state: Float64Array;
  /** The last x_0 prediction `[d, S]` (null before the first step). */
  x0: Float64Array | null = null;
  /** The generated sequence, once done. */
  symbols: Int32Array | null = null;

  constructor(private readonly o: StepperOptions) {
    if (o.x0 === "joint" && !o.denoiser.sampleJoint)
      throw new RangeError(`x0 = "joint" needs a denoiser with sampleJoint; "${o.denoiser.name}" has none`);
    this.d = leafCount(o.grammar);
    this.S = o.grammar.vocab[o.grammar.depth];
    const schedule = o.schedule ?? DEMO_SCHEDULE;
    this.scheduler = o.sampler === "ddpm" ? new DDPMScheduler(schedule) : new DDIMScheduler(schedule);
    this.scheduler.setTimesteps(o.steps);
    this.rng = new Rng(o.seed).fork();
    this.state = this.scheduler.priorSample(this.d, this.S, this.rng);
  }

  get total(): number {
    return this.scheduler.timesteps.length;
  }

  get done(): number {
    return this.k;
  }

  get finished(): boolean {
    return this.symbols !== null;
  }

  /** Timestep of the current state (0 once finished). */
  get t(): number {
    return this.k < this.total ? this.scheduler.timesteps[this.k] : 0;
  }

  get abar(): number {
    return this.scheduler.schedule.abar(this.t);
  }

  /** The denoiser input of the current state. */
  input(): ContinuousInput {
    return { process: "vp", batch: 1, d: this.d, S: this.S, abar: this.abar, xt: this.state };
  }

  /**
   * One reverse step. The last one ends on symbols: with an exact joint denoiser, one
   * joint draw at the last noise level (generate's finalize "joint"), else the
   * per-leaf argmax of the final x_0 prediction.
   */
  async step(): Promise<void> {
    if (this.finished) throw new Error("the sampler has finished; reset it to draw another sequence");
    const t = this.t;
    const input = this.input();
    const last = this.scheduler.prevTimestep(t) === 0;
    const { denoiser } = this.o;
    if (last && denoiser.sampleJoint) {
      this.symbols = Int32Array.from(await denoiser.sampleJoint(input, this.rng));
      this.x0 = oneHot(this.symbols, this.S);
      this.state = this.x0;
    } else {
      this.x0 =
        this.o.x0 === "joint"
          ? oneHot(await denoiser.sampleJoint!(input, this.rng), this.S)
          : await denoiser.posterior(input);
      this.state = this.scheduler.step(this.x0, t, this.state, this.rng);
      if (last) this.symbols = argmaxLeaves(this.state, this.d, this.S);
    }
    this.k++;
  }
}
