/**
 * Sequences drawn from a grammar and seen through a noise model, in one call with the
 * data and the noise on separate seeds: the observations that BP tests, benchmarks and
 * examples start from.
 */
import type { Grammar } from "./grammar";
import { type NoisyEvidence, type Noise, noisyEvidence } from "./noisyEvidence";
import { Rng } from "./rng";
import { type SampleBatch, sample } from "./sample";

export interface NoisySample extends NoisyEvidence {
  /** The clean sequences (leaves x and classes y). */
  clean: SampleBatch;
}

/** `batch` sequences of g drawn with Rng(seeds.data), corrupted by `noise` drawn with Rng(seeds.noise). */
export function sampleNoisy(
  g: Grammar,
  batch: number,
  noise: Noise,
  seeds: { data: number; noise: number },
): NoisySample {
  const clean = sample(g, batch, new Rng(seeds.data));
  const S = g.vocab[g.depth];
  return { clean, ...noisyEvidence(clean.x, batch, clean.d, S, noise, new Rng(seeds.noise)) };
}
