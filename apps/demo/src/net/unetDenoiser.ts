/**
 * A trained network behind the diffusion Denoiser interface. The input convention is
 * training's: the leaf evidence e of the noisy state (which carries its noise level)
 * through nets' evidenceToNetInput; the output logits become p(x_0 | x_t) per leaf by a
 * softmax.
 */
import type { Evidence } from "@ghmkit/ghm";
import { type Denoiser, stateEvidence } from "@ghmkit/diffusion";
import { evidenceToNetInput } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";

/** Per-leaf probabilities `[batch, d, S]` of the network for the evidence. */
export async function predictLeaves(model: tf.LayersModel, ev: Evidence): Promise<Float64Array> {
  const probs = tf.tidy(() => tf.softmax(model.predict(evidenceToNetInput(ev)) as tf.Tensor3D, -1));
  try {
    const data = await probs.data();
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]))
        throw new Error(`the network returned ${data[i]} at entry ${i}; its weights or input are broken`);
    }
    return Float64Array.from(data);
  } finally {
    probs.dispose();
  }
}

export function unetDenoiser(model: tf.LayersModel): Denoiser {
  return { name: "unet", posterior: (input) => predictLeaves(model, stateEvidence(input)) };
}
