/**
 * Loading a trained denoiser from disk as a diffusion `Denoiser`: a model directory or a
 * training run (its latest checkpoint), through nets' one adapter (`netDenoiser`), whose
 * input convention is the trainer's (data.ts), so a network trained there serves every
 * noise level.
 */
import { InputError } from "@ghmkit/ghm";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Denoiser } from "@ghmkit/diffusion";
import { META_JSON, type ModelMeta, type NetDenoiserOptions, loadModel, netDenoiser } from "@ghmkit/nets";
import type { tf } from "@ghmkit/tensor";
import { latestCheckpoint } from "./checkpoint";

export interface LoadedDenoiser {
  denoiser: Denoiser;
  model: tf.LayersModel;
  meta: ModelMeta;
  /** The model directory actually loaded. */
  dir: string;
  dispose(): void;
}

/**
 * Load a trained denoiser from a model directory (nets' saveModel) or a training run
 * directory (its latest checkpoint's model).
 */
export async function loadUNetDenoiser(dir: string, options: NetDenoiserOptions = {}): Promise<LoadedDenoiser> {
  let modelDir = dir;
  if (!fs.existsSync(path.join(dir, META_JSON))) {
    const ckpt = fs.existsSync(dir) ? latestCheckpoint(dir) : null;
    if (ckpt === null)
      throw new InputError(
        dir,
        `loadUNetDenoiser: ${dir} is neither a model directory (no ${META_JSON}) nor a training run with a checkpoint`,
      );
    modelDir = path.join(ckpt, "model");
  }
  const { model, meta } = await loadModel(modelDir);
  if (meta.task !== "denoiser") {
    model.dispose();
    throw new InputError(
      modelDir,
      `loadUNetDenoiser: ${modelDir} holds a ${meta.arch} ${meta.task}; a denoiser is needed (train with task "denoiser")`,
    );
  }
  const denoiser = netDenoiser(model, { name: options.name ?? meta.arch, ...options });
  return { denoiser, model, meta, dir: modelDir, dispose: () => model.dispose() };
}
