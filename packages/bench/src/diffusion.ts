// `ghm bench diffusion`: samples/s of @ghmkit/diffusion's generate() driven by the exact BP denoiser.
import { type Grammar, type RandomRhmOptions, randomRhm } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser, generate, sampleMetrics } from "@ghmkit/diffusion";
import type { DiffusionProcess, GenerateResult, SampleMetrics } from "@ghmkit/diffusion";

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
  /** Also compute sampleMetrics (default true; excluded from the timing). */
  metrics?: boolean;
}

export interface BenchDiffusionResult {
  /** The pipeline configuration (schedule, sampler, steps, process, denoiser) plus n, seed and the grammar. */
  config: GenerateResult["config"] & { n: number; seed: number; grammar: string };
  seconds: number;
  samplesPerSecond: number;
  metrics?: SampleMetrics;
}

/** Samples per second of the BP-driven sampler (default: DDPM, 200 steps, 1000 samples, default RHM). */
export async function benchDiffusion(o: BenchDiffusionOptions = {}): Promise<BenchDiffusionResult> {
  const rhm = { ...DEFAULT_BENCH_RHM, ...o.rhm };
  const grammar = o.grammar ?? randomRhm(rhm);
  const n = o.n ?? 1000;
  const seed = o.seed ?? 0;
  const joint = o.denoiser === "bp-joint";
  const denoiser = joint ? bpJointDenoiser(grammar) : bpDenoiser(grammar);
  const start = process.hrtime.bigint();
  const out = await generate({
    grammar,
    denoiser,
    process: o.process ?? "vp",
    ...((o.process ?? "vp") === "vp" ? { sampler: o.sampler ?? "ddpm" } : {}),
    steps: o.steps ?? 200,
    n,
    seed,
    x0: joint ? "joint" : "marginal",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const name = o.grammar
    ? "given"
    : `rhm S=${rhm.S} C=${rhm.classes} k=${rhm.k} m=${rhm.arity} L=${rhm.depth} seed=${rhm.seed}`;
  return {
    config: { ...out.config, n, seed, grammar: name },
    seconds,
    samplesPerSecond: n / seconds,
    ...(o.metrics === false ? {} : { metrics: sampleMetrics(grammar, out.x, out.n) }),
  };
}
