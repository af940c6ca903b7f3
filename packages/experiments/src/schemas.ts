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
