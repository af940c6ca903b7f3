import { z } from "zod";
import type { TrainConfigOverrides } from "@ghmkit/train";
import { parseWith } from "./schema";

/**
 * The structure of a `ghm train --config` file: any subset of TrainConfig's fields,
 * no unknown ones. Value ranges and cross-field rules are checked afterwards by
 * the train package's validateTrainConfig, which names the field the same way.
 */
const num = z.number();
const int = z.number().int();
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).partial();

export const trainConfigFileSchema = z
  .strictObject({
    task: z.enum(["classifier", "denoiser"]),
    arch: z.enum(["convnet", "unet", "unet-noskip", "flat", "mlp"]),
    grammar: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("rhm"), S: int, classes: int, k: int, arity: int, depth: int, seed: num }),
      z.strictObject({ kind: z.literal("file"), path: z.string().min(1) }),
    ]),
    seeds: section({ data: num, init: num, noise: num }),
    data: section({ trainSize: int, testSize: int }),
    noise: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("exact") }),
      z.strictObject({
        kind: z.literal("gaussian"),
        abarMin: num,
        abarMax: num,
        sampling: z.enum(["uniform", "logsnr", "schedule"]).optional(),
        schedule: z.enum(["linear", "cosine"]).optional(),
        steps: int.optional(),
      }),
    ]),
    /** The sampler the denoiser is trained for; fields left out take `ghm diffuse`'s defaults. */
    diffusion: section({
      process: z.literal("vp"),
      schedule: z.enum(["linear", "cosine"]),
      steps: int,
      sampler: z.enum(["ddpm", "ddim"]),
    }),
    evalAbar: z.array(num),
    net: section({
      width: int,
      activation: z.string(),
      extraConvs: int,
      init: z.enum(["random", "compiled"]),
      initNoise: num,
      initMask: z.boolean(),
    }),
    optimizer: section({
      lr: num,
      schedule: z.enum(["constant", "cosine"]),
      warmupSteps: int,
      minLrFrac: num,
      beta1: num,
      beta2: num,
      epsilon: num,
    }),
    batchSize: int,
    maxSteps: int,
    evalEvery: int,
    evalBatchSize: int,
    earlyStop: section({ patience: int, minDelta: num, targetGap: num.nullable() }),
  })
  .partial();

export function parseTrainConfigFile(json: unknown, what: string): TrainConfigOverrides {
  return parseWith(trainConfigFileSchema, json, what) as TrainConfigOverrides;
}
