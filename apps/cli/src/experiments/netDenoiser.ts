/**
 * A trained network as a diffusion Denoiser: the state becomes BP leaf evidence
 * (diffusion's stateEvidence), normalised exactly as in training (nets'
 * evidenceToNetInput), and the softmax of the per-leaf logits is p(x_0 | x_t).
 */
import type { Denoiser, DenoiserInput } from "@ghmkit/diffusion";
import { stateEvidence } from "@ghmkit/diffusion";
import { evidenceToNetInput } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";

export function netDenoiser(model: tf.LayersModel, name: string): Denoiser {
  return {
    name,
    async posterior(input: DenoiserInput): Promise<Float64Array> {
      const ev = stateEvidence(input);
      const out = tf.tidy(() => {
        const x = evidenceToNetInput(ev);
        return tf.softmax(model.predict(x) as tf.Tensor3D);
      });
      const p = await out.data();
      out.dispose();
      return Float64Array.from(p);
    },
  };
}
