/**
 * The one adapter from a trained denoising network (a tfjs model `[B, d, S] -> [B, d, S]`
 * logits) to @ghmkit/diffusion's `Denoiser`, shared by train, the CLI and the demo.
 * Browser-safe (no file system). nets does not depend on diffusion: the adapter is typed
 * structurally (NetDenoiserInput matches diffusion's DenoiserInput), and the evidence of a
 * state comes from ghm's noise models, as diffusion's `stateEvidence` computes it.
 *
 * Per reverse step: x_t and abar -> leaf evidence e (vp: e = sqrt(abar)/(1 - abar) x_t)
 * -> `evidenceToNetInput` -> the network's S logits per leaf -> softmax = p(x_0 | x_t)
 * per leaf. This is the input convention training uses, so a network trained there
 * serves every noise level.
 */
import { type Evidence, InputError, levelNoise, observationEvidence } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { evidenceToNetInput } from "./evidence_input";
import { type NetVpDevice, netVpDevice } from "./netVpDevice";
import { softmaxRows } from "./softmax";

/** A diffusion process (diffusion's DiffusionProcess). */
export type NetDenoiserProcess = "vp" | "uniform" | "mask";

/** A denoiser's input, structurally diffusion's DenoiserInput: the state x_t of a batch at level abar. */
export interface NetDenoiserInput {
  process: NetDenoiserProcess;
  batch: number;
  d: number;
  S: number;
  abar: number;
  /** vp: `[batch, d, S]` x_t; uniform and mask: `[batch, d]` symbols (-1 = masked). */
  xt: ArrayLike<number>;
}

/** Structurally diffusion's Denoiser (without sampleJoint: a network gives per-leaf marginals only). */
export interface NetDenoiser {
  readonly name: string;
  posterior(input: NetDenoiserInput): Promise<Float64Array>;
  /** diffusion's VpDevice (present when the network serves vp): generate keeps the VP state as tensors through it. */
  vpDevice?: NetVpDevice;
}

export interface NetDenoiserOptions {
  /** Name in logs and saved configurations (default "unet"). */
  name?: string;
  /** Rows per forward pass (default 1024); only memory use depends on it. */
  batchSize?: number;
  /**
   * Noise processes the network was trained for (default ["vp"]: training's gaussian
   * one-hot noise). Other processes give evidence of another shape, which a network
   * trained on gaussian evidence has never seen, so they are refused.
   */
  processes?: NetDenoiserProcess[];
  /**
   * Offer the VP loop on the tensor backend (vpDevice). Default: only where reading a
   * tensor back costs a device sync (not on wasm or cpu, whose tensors live in host
   * memory: there `ghm bench diffusion` measured the host loop faster, 41 vs 28 samples/s).
   */
  device?: boolean;
}

/** `[d, S]` of a model mapping `[B, d, S]` to `[B, d, S]`; refuses any other model. */
export function denoiserShape(model: tf.LayersModel): { d: number; S: number } {
  const shape = model.inputs[0].shape;
  const outShape = model.outputs[0].shape;
  const ok = shape.length === 3 && outShape.length === 3 && shape[1] === outShape[1] && shape[2] === outShape[2];
  if (!ok || typeof shape[1] !== "number" || typeof shape[2] !== "number")
    throw new InputError(
      "model",
      `maps ${JSON.stringify(shape)} to ${JSON.stringify(outShape)}; a denoiser maps [batch, d, S] to [batch, d, S]`,
      'train it with task "denoiser"',
    );
  return { d: shape[1], S: shape[2] };
}

/** The network's per-leaf probabilities `[batch, d, S]` for the evidence, `batchSize` rows per forward pass. */
export async function predictLeaves(model: tf.LayersModel, ev: Evidence, batchSize = 1024): Promise<Float64Array> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InputError("batchSize", `must be a positive integer, got ${batchSize}`);
  const { batch, d, S } = ev;
  const row = d * S;
  const out = new Float64Array(batch * row);
  for (let s = 0; s < batch; s += batchSize) {
    const n = Math.min(batchSize, batch - s);
    const chunk = { batch: n, d, S, e: ev.e.subarray(s * row, (s + n) * row) };
    const logits = tf.tidy(() => model.predict(evidenceToNetInput(chunk)) as tf.Tensor);
    try {
      out.set(softmaxRows(await logits.data(), n * d, S), s * row);
    } finally {
      logits.dispose();
    }
  }
  return out;
}

/** The adapter over a denoiser model. The caller keeps ownership of the model. */
export function netDenoiser(model: tf.LayersModel, options: NetDenoiserOptions = {}): NetDenoiser {
  const { d, S } = denoiserShape(model);
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InputError("batchSize", `must be a positive integer, got ${batchSize}`);
  const processes = options.processes ?? ["vp"];
  return {
    name: options.name ?? "unet",
    ...(processes.includes("vp") && (options.device ?? !["wasm", "cpu"].includes(tf.getBackend()))
      ? { vpDevice: netVpDevice(model, d, S, batchSize) }
      : {}),
    async posterior(input: NetDenoiserInput): Promise<Float64Array> {
      if (!processes.includes(input.process))
        throw new InputError(
          "process",
          `the network was trained for ${processes.join(", ")} noise, not "${input.process}"`,
          `use process ${processes[0]} or a network trained on that noise`,
        );
      if (input.d !== d || input.S !== S)
        throw new InputError("input", `has d = ${input.d}, S = ${input.S}; the network needs d = ${d}, S = ${S}`);
      const ev = observationEvidence(input.xt, input.batch, d, S, levelNoise(input.process, input.abar));
      return predictLeaves(model, ev, batchSize);
    },
  };
}
