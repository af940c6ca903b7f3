/** zod schemas shared by the experiment configs. */
import { z } from "zod";

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
export const intList = (min: number, max = Number.MAX_SAFE_INTEGER) => z.array(int(min, max)).min(1);
export const unitOpen = z.number().gt(0).lt(1);

/** Random Hierarchy Model shape (its seed is seeds.grammar). */
export const rhmShape = z.strictObject({
  S: int(2, 4096),
  classes: int(2, 4096),
  k: int(1, 4096),
  arity: int(2, 16),
  depth: int(1, 16),
});
export type RhmShape = z.infer<typeof rhmShape>;

export const seedsSchema = z.strictObject({
  grammar: int(0),
  data: int(0),
  init: int(0),
  noise: int(0),
});
export type Seeds = z.infer<typeof seedsSchema>;

/** Independent repetitions of every point (each with its own grammar, data, init and noise seeds). */
export const repeatsSchema = int(1, 1000);

/**
 * The seeds of repetition `rep`: the base seeds shifted by 1000 rep, so the four
 * streams stay distinct from each other and from every other repetition's.
 */
export function seedsOf(base: Seeds, rep: number): Seeds {
  const o = 1000 * rep;
  return { grammar: base.grammar + o, data: base.data + o, init: base.init + o, noise: base.noise + o };
}

/** Each job repeated `repeats` times: id suffix `-s<rep>`, params gain `rep`. */
export function withRepeats(
  jobs: { id: string; params: Record<string, unknown> }[],
  repeats: number,
): { id: string; params: Record<string, unknown> }[] {
  return jobs.flatMap((j) =>
    Array.from({ length: repeats }, (_, rep) => ({ id: `${j.id}-s${rep}`, params: { ...j.params, rep } })),
  );
}

/** Training settings of every learned network in an experiment. */
export const trainSchema = z.strictObject({
  /** W: channels of every hidden layer. */
  width: int(1, 4096),
  /** Extra 1x1 convolutions per block. */
  extraConvs: int(0, 16),
  /** Optimisation steps (evaluated once, at the end). */
  steps: int(1, 1e8),
  /** Batch size (capped at P for small training sets). */
  batchSize: int(1, 65536),
  /** Peak Adam learning rate (cosine decay, short warm-up). */
  lr: z.number().gt(0).max(10),
  /** Held-out test sequences (the same for every P). */
  testSize: int(1, 1_000_000),
});
export type TrainSettings = z.infer<typeof trainSchema>;

export function rhmSpec(shape: RhmShape, seed: number) {
  return { kind: "rhm" as const, ...shape, seed };
}
