import { InputError } from "@ghmkit/ghm";
import { type Grammar, MAX_SAMPLE_LEAVES, Rng, leafCount } from "@ghmkit/ghm";
import type { Denoiser, DenoiserInput, DiffusionProcess, VpDevice } from "./denoiser";
import { argmaxLeaves, oneHot } from "./evidence";
import { DDIMScheduler } from "./schedulers/ddim";
import { DDPMScheduler } from "./schedulers/ddpm";
import { MaskScheduler } from "./schedulers/mask";
import type { LinearScheduler, Scheduler, SchedulerConfig } from "./schedulers/scheduler";
import { UniformScheduler } from "./schedulers/uniform";
import { makeSchedule } from "./schedules";
import type { NoiseSchedule, ScheduleConfig } from "./schedules/schedule";

export interface GenerateOptions {
  grammar: Grammar;
  denoiser: Denoiser;
  process: DiffusionProcess;
  /** Reverse steps (spaced evenly over the schedule's T; steps <= T). */
  steps: number;
  /** Number of samples. */
  n: number;
  seed: number;
  /** Default: linear with T = max(1000, steps). */
  schedule?: NoiseSchedule | ScheduleConfig;
  /** VP only: "ddpm" (default) or "ddim". */
  sampler?: "ddpm" | "ddim";
  /** DDIM only: 0 (default) is deterministic. */
  eta?: number;
  /**
   * How each step gets x_0 from the denoiser. "marginal" (default): per-leaf
   * p(x_0 | x_t), the only option for a network. "joint": the one-hot of an exact
   * joint draw (needs `denoiser.sampleJoint`): exact discrete reverse steps, exact
   * ancestral VP steps.
   */
  x0?: "marginal" | "joint";
  /**
   * VP only: how the final sample becomes symbols. The last reverse step ends on
   * x0_hat = E[onehot(x_0) | x_t1] (t1 = last timestep). "argmax" takes its per-leaf
   * argmax; "joint" asks the denoiser for an exact joint draw at t1 instead (no
   * extra model call). Default: "joint" when the denoiser has sampleJoint, else "argmax".
   */
  finalize?: "argmax" | "joint";
  /** Rows per denoiser call (default 1024); only memory use depends on it, not the result. */
  batchSize?: number;
  /**
   * VP with x0 "marginal" and finalize "argmax": keep the state on the denoiser's device
   * between steps when it offers one (`denoiser.vpDevice`; default true). false runs the
   * host loop (float64) instead. `Sampling`, which exposes the state between steps, is
   * always the host loop.
   */
  onDevice?: boolean;
  onStep?: (progress: StepProgress) => void;
}

export interface StepProgress {
  /** Steps done so far over all batches, and the total. */
  done: number;
  total: number;
  t: number;
  abar: number;
}

export interface GenerateResult {
  /** `[n, d]` symbols. */
  x: Int32Array;
  n: number;
  d: number;
  /** The scheduler configuration actually used (save it with the samples). */
  config: SchedulerConfig & {
    process: DiffusionProcess;
    x0: "marginal" | "joint";
    finalize?: "argmax" | "joint";
    denoiser: string;
    /** Present (true) when the state stayed on the denoiser's device (VpDevice). */
    onDevice?: boolean;
  };
}

/** Most state entries (n * d * S doubles) a single denoiser call may hold. */
const MAX_ENTRIES = 2 ** 26;

/**
 * The diffusion pipeline: draw x_T from the process's stationary distribution, run
 * the scheduler's reverse steps with the denoiser's x_0 predictions, return symbols.
 * Each batch of rows uses its own Rng forked in order from `seed`, so the result
 * depends on seed and batchSize only. It runs `Sampling` to the end: a caller that
 * steps a Sampling with the same options gets the same samples.
 */
export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  const device = (o.onDevice ?? true) ? o.denoiser.vpDevice : undefined;
  if (device !== undefined) {
    const p = plan(o);
    if (o.process === "vp" && p.x0Mode === "marginal" && p.finalize === "argmax") return generateOnDevice(o, p, device);
  }
  const run = new Sampling(o);
  while (!run.finished) {
    const progress = await run.step();
    o.onStep?.(progress);
  }
  return run.result();
}

interface Plan {
  d: number;
  S: number;
  x0Mode: "marginal" | "joint";
  finalize: "argmax" | "joint" | undefined;
  rowsPerCall: number;
  batches: number;
  scheduler: Scheduler<Float64Array | Int32Array>;
}

/** The checked options of a run, and its scheduler. */
function plan(o: GenerateOptions): Plan {
  const g = o.grammar;
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  if (!Number.isInteger(o.n) || o.n < 0) throw new InputError("n", `must be a non-negative integer, got ${o.n}`);
  // The output holds every sample: refuse before the first step, not after hours of sampling.
  if (o.n * d > MAX_SAMPLE_LEAVES)
    throw new InputError(
      "n",
      `n * d = ${o.n} * ${d} = ${o.n * d} output symbols exceed ${MAX_SAMPLE_LEAVES} (1 GiB)`,
      `generate fewer samples per call`,
    );
  if (!Number.isInteger(o.steps) || o.steps < 1)
    throw new InputError("steps", `must be a positive integer, got ${o.steps}`);
  const x0Mode = o.x0 ?? "marginal";
  if (x0Mode !== "marginal" && x0Mode !== "joint")
    throw new InputError("x0", `must be "marginal" or "joint", got ${JSON.stringify(o.x0)}`);
  if (x0Mode === "joint" && !o.denoiser.sampleJoint)
    throw new InputError(
      "x0",
      `"joint" needs a denoiser with sampleJoint (e.g. bpJointDenoiser); "${o.denoiser.name}" has none`,
      `use x0 = "marginal"`,
    );
  const finalize = o.process === "vp" ? (o.finalize ?? (o.denoiser.sampleJoint ? "joint" : "argmax")) : undefined;
  if (finalize === "joint" && !o.denoiser.sampleJoint)
    throw new InputError(
      "finalize",
      `"joint" needs a denoiser with sampleJoint; "${o.denoiser.name}" has none`,
      `use finalize = "argmax"`,
    );
  const batchSize = o.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InputError("batchSize", `must be a positive integer, got ${batchSize}`);
  const rowsPerCall = Math.min(batchSize, Math.max(1, o.n));
  if (rowsPerCall * d * S > MAX_ENTRIES)
    throw new InputError(
      "batchSize",
      `batchSize * d * S = ${rowsPerCall * d * S} exceeds ${MAX_ENTRIES} entries`,
      `lower batchSize`,
    );

  const scheduler = makeScheduler(o, S) as Scheduler<Float64Array | Int32Array>;
  scheduler.setTimesteps(o.steps);
  return { d, S, x0Mode, finalize, rowsPerCall, batches: Math.ceil(o.n / rowsPerCall), scheduler };
}

/**
 * generate()'s loop, one reverse step per `step()` call, so a caller can show or
 * measure the state between steps (the demo draws the tree at every step). Batches
 * run one after another; `state`, `x0` and `symbols` are those of the current batch.
 */
export class Sampling {
  readonly d: number;
  readonly S: number;
  /** Steps over all batches. */
  readonly total: number;
  private readonly o: GenerateOptions;
  private readonly p: Plan;
  private readonly rng: Rng;
  private readonly x: Int32Array;
  private batch = -1;
  private brng: Rng | null = null;
  private rows = 0;
  /** Steps done in the current batch. */
  private k = 0;
  /** Steps done over all batches. */
  done = 0;
  /** The current batch's state x_t: `[rows, d, S]` (vp) or `[rows, d]` symbols (uniform, mask). */
  state: Float64Array | Int32Array = new Float64Array(0);
  /** The current batch's last x_0 prediction `[rows, d, S]` (null before its first step, and after a joint finalize). */
  x0: Float64Array | null = null;
  /** The current batch's samples `[rows, d]`, once its last step is done. */
  symbols: Int32Array | null = null;

  constructor(o: GenerateOptions) {
    this.o = o;
    this.p = plan(o);
    this.d = this.p.d;
    this.S = this.p.S;
    this.total = this.p.batches * this.p.scheduler.timesteps.length;
    this.rng = new Rng(o.seed);
    this.x = new Int32Array(o.n * this.d);
    if (this.p.batches > 0) this.nextBatch();
  }

  get finished(): boolean {
    return this.done === this.total;
  }

  /** Timestep of the current state (0 once its batch is done). */
  get t(): number {
    const ts = this.p.scheduler.timesteps;
    return this.k < ts.length ? ts[this.k] : 0;
  }

  get abar(): number {
    return this.p.scheduler.schedule.abar(this.t);
  }

  /** The denoiser input of the current state. */
  input(): DenoiserInput {
    const { d, S } = this.p;
    const { process } = this.o;
    const base = { batch: this.rows, d, S, abar: this.abar };
    return (
      process === "vp"
        ? { ...base, process, xt: this.state as Float64Array }
        : { ...base, process, xt: this.state as Int32Array }
    ) as DenoiserInput;
  }

  /** One reverse step (starting the next batch first when the current one is done). */
  async step(): Promise<StepProgress> {
    if (this.finished) throw new Error("the sampling has finished: every step is done; start a new one");
    const { d, S, x0Mode, finalize, scheduler } = this.p;
    if (this.k === scheduler.timesteps.length) this.nextBatch();
    const { denoiser, process } = this.o;
    const brng = this.brng!;
    const n = this.rows * d;
    const t = this.t;
    const abar = this.abar;
    const input = this.input();
    const lastVp = process === "vp" && scheduler.prevTimestep(t) === 0;
    if (lastVp && finalize === "joint") {
      this.symbols = checkSymbols(await denoiser.sampleJoint!(input, brng), n, S, denoiser.name);
      this.x0 = null;
    } else {
      const x0 =
        x0Mode === "joint"
          ? oneHot(checkSymbols(await denoiser.sampleJoint!(input, brng), n, S, denoiser.name), S)
          : checkPosterior(await denoiser.posterior(input), n, S, denoiser.name);
      this.x0 = x0;
      this.state = scheduler.step(x0, t, this.state, brng);
      if (lastVp) this.symbols = argmaxLeaves(this.state, n, S);
    }
    this.k++;
    this.done++;
    if (this.k === scheduler.timesteps.length) {
      this.symbols ??= this.state as Int32Array;
      this.x.set(this.symbols, this.batch * this.p.rowsPerCall * d);
    }
    return { done: this.done, total: this.total, t, abar };
  }

  /** The samples and the configuration used, once finished. */
  result(): GenerateResult {
    if (!this.finished) throw new Error(`the sampling is not finished: ${this.done} of ${this.total} steps done`);
    const o = this.o;
    const { finalize, x0Mode, scheduler } = this.p;
    return {
      x: this.x,
      n: o.n,
      d: this.d,
      config: {
        ...scheduler.config,
        process: o.process,
        x0: x0Mode,
        ...(finalize ? { finalize } : {}),
        denoiser: o.denoiser.name,
      },
    };
  }

  private nextBatch(): void {
    this.batch++;
    this.brng = this.rng.fork();
    this.rows = Math.min(this.p.rowsPerCall, this.o.n - this.batch * this.p.rowsPerCall);
    this.k = 0;
    this.x0 = null;
    this.symbols = null;
    this.state = this.p.scheduler.priorSample(this.rows * this.p.d, this.p.S, this.brng);
  }
}

function makeScheduler(o: GenerateOptions, S: number): Scheduler<Float64Array> | Scheduler<Int32Array> {
  const schedule = resolveSchedule(o.schedule, o.steps);
  const sampler = o.sampler ?? "ddpm";
  if (o.process !== "vp" && o.sampler !== undefined)
    throw new InputError(
      "sampler",
      `sampler applies to process "vp" only; the ${o.process} process has one reverse step`,
      `leave sampler out`,
    );
  switch (o.process) {
    case "vp":
      if (sampler === "ddpm") return new DDPMScheduler(schedule);
      if (sampler === "ddim") return new DDIMScheduler(schedule, { eta: o.eta });
      throw new InputError("sampler", `must be "ddpm" or "ddim", got ${JSON.stringify(sampler)}`);
    case "uniform":
      return new UniformScheduler(schedule);
    case "mask":
      return new MaskScheduler(schedule);
    default:
      throw new InputError("process", `must be "vp", "uniform" or "mask", got ${JSON.stringify(o.process)} (S = ${S})`);
  }
}

function resolveSchedule(s: NoiseSchedule | ScheduleConfig | undefined, steps: number): NoiseSchedule {
  if (s === undefined) return makeSchedule({ kind: "linear", T: Math.max(1000, steps) });
  return "abar" in s ? s : makeSchedule(s);
}

function checkPosterior(p: Float64Array, rows: number, S: number, name: string): Float64Array {
  if (p.length !== rows * S)
    throw new InputError(
      "denoiser",
      `denoiser "${name}" returned ${p.length} probabilities, expected batch*d*S = ${rows * S}`,
    );
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1 + 1e-9))
      throw new InputError(
        "denoiser",
        `denoiser "${name}" returned p[${i}] = ${p[i]}; probabilities must be in [0, 1]`,
      );
  }
  return p;
}

function checkSymbols(x: Int32Array, rows: number, S: number, name: string): Int32Array {
  if (x.length !== rows)
    throw new InputError(
      "denoiser",
      `denoiser "${name}" sampleJoint returned ${x.length} symbols, expected batch*d = ${rows}`,
    );
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] < S))
      throw new InputError("denoiser", `denoiser "${name}" sampleJoint returned x[${i}] = ${x[i]}, outside [0, ${S})`);
  }
  return x;
}

/** generate() with the VP state on the denoiser's device, batch by batch (same batches and Rng forks as Sampling). */
async function generateOnDevice(o: GenerateOptions, p: Plan, device: VpDevice): Promise<GenerateResult> {
  const { d, S, rowsPerCall, batches } = p;
  const scheduler = p.scheduler as unknown as LinearScheduler;
  const ts = scheduler.timesteps;
  const rng = new Rng(o.seed);
  const x = new Int32Array(o.n * d);
  let done = 0;
  for (let b = 0; b < batches; b++) {
    const brng = rng.fork();
    const rows = Math.min(rowsPerCall, o.n - b * rowsPerCall);
    const onStep = (t: number) =>
      o.onStep?.({ done: ++done, total: batches * ts.length, t, abar: scheduler.schedule.abar(t) });
    x.set(await deviceLoop(device, scheduler, rows, d, S, brng, onStep), b * rowsPerCall * d);
  }
  return {
    x,
    n: o.n,
    d,
    config: {
      ...scheduler.config,
      process: o.process,
      x0: p.x0Mode,
      ...(p.finalize ? { finalize: p.finalize } : {}),
      denoiser: o.denoiser.name,
      onDevice: true,
    },
  };
}

/**
 * One batch of the VP reverse loop on the denoiser's device: the host draws x_T and each
 * step's noise in the order the scheduler's host step draws them (so the same seed gives
 * the same draws) and uploads them; only the final argmax comes back.
 */
async function deviceLoop<T>(
  device: VpDevice<T>,
  scheduler: LinearScheduler,
  rows: number,
  d: number,
  S: number,
  rng: Rng,
  onStep: (t: number) => void,
): Promise<Int32Array> {
  let state = device.upload(scheduler.priorSample(rows * d, S, rng), rows);
  try {
    for (const t of scheduler.timesteps) {
      const x0 = await device.posterior(state, rows, scheduler.schedule.abar(t));
      const s = scheduler.linearStep(t);
      if (s.last) {
        try {
          onStep(t);
          return await device.argmax(x0, rows);
        } finally {
          device.dispose(x0);
        }
      }
      let noise: Float64Array | null = null;
      if (s.draws) {
        noise = new Float64Array(rows * d * S);
        for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
      }
      const next = device.step(x0, state, s, noise, rows);
      device.dispose(x0);
      device.dispose(state);
      state = next;
      onStep(t);
    }
    throw new Error("generate: the reverse loop ended before its last step (t = 0)");
  } finally {
    device.dispose(state);
  }
}
