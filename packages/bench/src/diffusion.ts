/**
 * `ghm bench diffusion`: samples/s of @ghmkit/diffusion's generate() with the exact BP
 * denoiser and with nets' U-Net (train's adapter), each beside its floor in the same run:
 * the time inside the denoiser's own calls, one per reverse step (BP: the runBP denoise
 * call on the whole batch; U-Net: the forward pass), so `ratioToFloor` is the share of the
 * sampler's time that the denoiser itself takes and 1 - ratioToFloor the loop's overhead. The U-Net runs twice: the state kept on
 * the backend between steps (VpDevice, the default) and the host loop (float64 state,
 * posterior read back every step).
 */
import { type Grammar, type RandomRhmOptions, randomRhm } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser, generate, sampleMetrics } from "@ghmkit/diffusion";
import type { Denoiser, DiffusionProcess, GenerateResult, SampleMetrics } from "@ghmkit/diffusion";
import { buildModel, configFromGrammar, netDenoiser } from "@ghmkit/nets";
import { backendInfo, initBackend } from "@ghmkit/tensor";

/** The default benchmark grammar: RHM with S = 8, C = 8, k = 2, m = 2, L = 3 (d = 8), seed 0. */
export const DEFAULT_BENCH_RHM: RandomRhmOptions = { S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 0 };

export interface BenchDiffusionOptions {
  /** A grammar, or RHM options overriding DEFAULT_BENCH_RHM. */
  grammar?: Grammar;
  rhm?: Partial<RandomRhmOptions>;
  /** Default "vp". */
  process?: DiffusionProcess;
  /** VP only; default "ddpm". */
  sampler?: "ddpm" | "ddim";
  /** Default 200. */
  steps?: number;
  /** Default 1000. */
  n?: number;
  /** Default 0. */
  seed?: number;
  /** "bp" (default: marginals, argmax at the end) or "bp-joint" (exact joint draws every step). */
  denoiser?: "bp" | "bp-joint";
  /** Also compute sampleMetrics of the BP samples (default true; excluded from the timing). */
  metrics?: boolean;
  /** Also time the U-Net DDPM (VP only; default true). */
  unet?: boolean;
  /** net.width of the U-Net (default nets' 64). */
  width?: number;
}

export interface SamplerRun {
  seconds: number;
  samplesPerSecond: number;
  /**
   * Of `seconds`, the time inside the denoiser's calls of this run (BP: the runBP denoise
   * call of each step; U-Net: the network's forward pass of each step).
   */
  denoiserSeconds: number;
  /** The floor, n / denoiserSeconds: the rate if everything but the denoiser were free. */
  floorSamplesPerSecond: number;
  /** samplesPerSecond / floorSamplesPerSecond = denoiserSeconds / seconds: the denoiser's share. */
  ratioToFloor: number;
}

export interface BenchDiffusionResult {
  /** The pipeline configuration (schedule, sampler, steps, process, denoiser) plus n, seed and the grammar. */
  config: GenerateResult["config"] & { n: number; seed: number; grammar: string };
  /** The BP-driven run (also as `seconds` and `samplesPerSecond`). */
  seconds: number;
  samplesPerSecond: number;
  bp: SamplerRun;
  metrics?: SampleMetrics;
  /** VP only: nets' U-Net (random weights: the speed does not depend on them), through train's adapter. */
  unet?: {
    backend: string;
    params: number;
    width: number;
    /** The state on the backend between steps (uploads of each step's noise; one read per batch). */
    device: SamplerRun;
    /** The host loop: the posterior read back and the step computed in float64 every step. */
    host: SamplerRun;
  };
}

/** Accumulates the wall time spent inside calls of the functions it wraps. */
class CallClock {
  ms = 0;
  wrap<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => R {
    return (...a: A): R => {
      const t0 = performance.now();
      const out = f(...a);
      if (out instanceof Promise) return out.finally(() => (this.ms += performance.now() - t0)) as R;
      this.ms += performance.now() - t0;
      return out;
    };
  }
}

/** Times one sampler run and the share of it inside `clock`'s calls. */
async function timedRun(n: number, clock: CallClock, f: () => Promise<GenerateResult>) {
  clock.ms = 0;
  const start = process.hrtime.bigint();
  const out = await f();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const denoiserSeconds = clock.ms / 1000;
  const run: SamplerRun = {
    seconds,
    samplesPerSecond: n / seconds,
    denoiserSeconds,
    floorSamplesPerSecond: n / denoiserSeconds,
    ratioToFloor: denoiserSeconds / seconds,
  };
  return { out, run };
}

/** Samples per second of the sampler (default: DDPM, 200 steps, 1000 samples, default RHM), BP and U-Net. */
export async function benchDiffusion(o: BenchDiffusionOptions = {}): Promise<BenchDiffusionResult> {
  const rhm = { ...DEFAULT_BENCH_RHM, ...o.rhm };
  const grammar = o.grammar ?? randomRhm(rhm);
  const n = o.n ?? 1000;
  const seed = o.seed ?? 0;
  const steps = o.steps ?? 200;
  const proc = o.process ?? "vp";
  const joint = o.denoiser === "bp-joint";
  const sample = (denoiser: Denoiser, extra: { onDevice?: boolean; steps?: number } = {}): Promise<GenerateResult> =>
    generate({
      grammar,
      denoiser,
      process: proc,
      ...(proc === "vp" ? { sampler: o.sampler ?? "ddpm" } : {}),
      steps,
      n,
      seed,
      x0: joint ? "joint" : "marginal",
      ...extra,
    });
  // Each sampler first runs a few untimed steps (JIT, kernel set-up), so that neither it nor
  // its floor, timed after it, pays for a cold start.
  const WARM = { steps: Math.min(steps, 5) };

  const bpClock = new CallClock();
  const bare = joint ? bpJointDenoiser(grammar) : bpDenoiser(grammar);
  const bp: Denoiser = {
    name: bare.name,
    posterior: bpClock.wrap(bare.posterior),
    ...(bare.sampleJoint ? { sampleJoint: bpClock.wrap(bare.sampleJoint) } : {}),
  };
  await sample(bp, WARM);
  const bpRun = await timedRun(n, bpClock, () => sample(bp));
  const name = o.grammar
    ? "given"
    : `rhm S=${rhm.S} C=${rhm.classes} k=${rhm.k} m=${rhm.arity} L=${rhm.depth} seed=${rhm.seed}`;
  const result: BenchDiffusionResult = {
    config: { ...bpRun.out.config, n, seed, grammar: name },
    seconds: bpRun.run.seconds,
    samplesPerSecond: bpRun.run.samplesPerSecond,
    bp: bpRun.run,
    ...(o.metrics === false ? {} : { metrics: sampleMetrics(grammar, bpRun.out.x, bpRun.out.n) }),
  };

  if (proc === "vp" && (o.unet ?? true)) {
    const backend = backendInfo() ?? (await initBackend());
    const width = o.width ?? 64;
    const model = buildModel("unet", "denoiser", configFromGrammar(grammar, { width }));
    try {
      // Both loops call the network through model.predict (on wasm it computes synchronously).
      const clock = new CallClock();
      model.predict = clock.wrap(model.predict.bind(model));
      const unet = netDenoiser(model, { batchSize: Math.max(1, n), device: true });
      await sample(unet, WARM);
      await sample(unet, { ...WARM, onDevice: false });
      const device = await timedRun(n, clock, () => sample(unet));
      const host = await timedRun(n, clock, () => sample(unet, { onDevice: false }));
      result.unet = { backend: backend.name, params: model.countParams(), width, device: device.run, host: host.run };
    } finally {
      model.dispose();
    }
  }
  return result;
}
