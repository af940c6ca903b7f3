/**
 * A trained denoising network behind the diffusion package's `Denoiser` interface
 * (the diffusion core knows no tensors, so the adapter lives here). Per reverse
 * step: x_t and abar -> leaf evidence e (`stateEvidence`: e = sqrt(abar)/(1-abar) x_t
 * for VP) -> nets' `evidenceToNetInput` -> the network's S_L logits per leaf ->
 * softmax = p(x_0 | x_t) per leaf. This is exactly the input convention the
 * trainer uses (data.ts), so a U-Net trained there serves every noise level.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Denoiser, type DenoiserInput, type DiffusionProcess, stateEvidence } from "@ghmkit/diffusion";
import { META_JSON, type ModelMeta, evidenceToNetInput, loadModel } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { latestCheckpoint } from "./checkpoint";
import { softmaxRows } from "./metrics";
import { unetVpDevice } from "./unetDevice";

export interface UNetDenoiserOptions {
  /** Name in logs and saved configurations (default "unet"). */
  name?: string;
  /** Rows per forward pass (default 1024); only memory use depends on it. */
  batchSize?: number;
  /**
   * Noise processes the network was trained for (default ["vp"]: the trainer's
   * gaussian one-hot noise). Other processes give evidence of another shape, which a
   * network trained on gaussian evidence has never seen, so they are refused.
   */
  processes?: DiffusionProcess[];
}

/** The adapter over a denoiser model mapping `[B, d, S] -> [B, d, S]` logits. The caller keeps ownership of the model. */
export function unetDenoiser(model: tf.LayersModel, options: UNetDenoiserOptions = {}): Denoiser {
  const shape = model.inputs[0].shape;
  const outShape = model.outputs[0].shape;
  if (shape.length !== 3 || outShape.length !== 3 || shape[1] !== outShape[1] || shape[2] !== outShape[2]) {
    throw new Error(
      `unetDenoiser: the model maps [${shape}] -> [${outShape}]; a denoiser maps [B, d, S] -> [B, d, S] (train with task "denoiser")`,
    );
  }
  const [, d, S] = shape as number[];
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`unetDenoiser: batchSize must be a positive integer, got ${batchSize}`);
  const processes = options.processes ?? ["vp"];
  return {
    name: options.name ?? "unet",
    // generate keeps a VP state on the backend through it (unetDevice.ts).
    ...(processes.includes("vp") ? { vpDevice: unetVpDevice(model, d, S, batchSize) } : {}),
    async posterior(input: DenoiserInput): Promise<Float64Array> {
      if (!processes.includes(input.process)) {
        throw new Error(
          `unetDenoiser: the network was trained for ${processes.join(", ")} noise, not "${input.process}"; use process ${processes[0]} or a network trained on that noise`,
        );
      }
      if (input.d !== d || input.S !== S)
        throw new RangeError(
          `unetDenoiser: input has d = ${input.d}, S = ${input.S}; the network needs d = ${d}, S = ${S}`,
        );
      const ev = stateEvidence(input);
      const out = new Float64Array(input.batch * d * S);
      const row = d * S;
      for (let s = 0; s < input.batch; s += batchSize) {
        const n = Math.min(batchSize, input.batch - s);
        const chunk = { batch: n, d, S, e: ev.e.subarray(s * row, (s + n) * row) };
        const logits = tf.tidy(() => model.predict(evidenceToNetInput(chunk)) as tf.Tensor);
        const values = await logits.data();
        logits.dispose();
        out.set(softmaxRows(values, n * d, S), s * row);
      }
      return out;
    },
  };
}

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
export async function loadUNetDenoiser(dir: string, options: UNetDenoiserOptions = {}): Promise<LoadedDenoiser> {
  let modelDir = dir;
  if (!fs.existsSync(path.join(dir, META_JSON))) {
    const ckpt = fs.existsSync(dir) ? latestCheckpoint(dir) : null;
    if (ckpt === null)
      throw new Error(
        `loadUNetDenoiser: ${dir} is neither a model directory (no ${META_JSON}) nor a training run with a checkpoint`,
      );
    modelDir = path.join(ckpt, "model");
  }
  const { model, meta } = await loadModel(modelDir);
  if (meta.task !== "denoiser") {
    model.dispose();
    throw new Error(
      `loadUNetDenoiser: ${modelDir} holds a ${meta.arch} ${meta.task}; a denoiser is needed (train with task "denoiser")`,
    );
  }
  const denoiser = unetDenoiser(model, { name: options.name ?? meta.arch, ...options });
  return { denoiser, model, meta, dir: modelDir, dispose: () => model.dispose() };
}
