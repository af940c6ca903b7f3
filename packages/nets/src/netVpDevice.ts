/**
 * netDenoiser's VP reverse loop on the tensor backend (diffusion's VpDevice, typed
 * structurally like the adapter, so nets does not depend on diffusion):
 * x_t and x0_hat stay tensors between steps; per step the host uploads only the
 * step's noise, and a batch reads back only its final per-leaf argmax. Each step is
 * the host adapter's computation in float32: evidence e = (sqrt(abar) / (1 - abar)) x_t
 * (exact evidence of the argmax at abar = 1), nets' evidenceToNetInput, the network,
 * softmax over each leaf's S logits, then the scheduler's linear step.
 */
import { tf } from "@ghmkit/tensor";

/** diffusion's LinearStep: x_{t'} = cX0 x0_hat + cXt x_t + cNoise z. */
export interface NetLinearStep {
  cX0: number;
  cXt: number;
  cNoise: number;
}

/** Structurally diffusion's VpDevice over tensors. */
export interface NetVpDevice {
  upload(values: Float64Array, batch: number): tf.Tensor3D;
  posterior(xt: tf.Tensor3D, batch: number, abar: number): tf.Tensor3D;
  step(x0: tf.Tensor3D, xt: tf.Tensor3D, s: NetLinearStep, noise: Float64Array | null, batch: number): tf.Tensor3D;
  argmax(x: tf.Tensor3D, batch: number): Promise<Int32Array>;
  dispose(x: tf.Tensor3D): void;
}

export function netVpDevice(model: tf.LayersModel, d: number, S: number, batchSize: number): NetVpDevice {
  // nets' evidenceToNetInput (clip 20, rescaled) for VP evidence, which is always finite,
  // so its guards for impossible (all -Infinity) leaves drop out: 4 kernels instead of 11.
  const clip = 20;
  const netInput = (xt: tf.Tensor3D, abar: number): tf.Tensor3D => {
    if (abar === 1) return tf.sub(tf.oneHot(tf.argMax(xt, -1), S).toFloat(), 1) as tf.Tensor3D;
    const alpha = Math.sqrt(abar);
    const sigma = Math.sqrt(1 - abar);
    const e = tf.mul(xt, alpha / sigma / sigma);
    return tf.mul(tf.maximum(tf.sub(e, tf.max(e, -1, true)), -clip), 1 / clip) as tf.Tensor3D;
  };
  return {
    upload(values: Float64Array, batch: number): tf.Tensor3D {
      if (values.length !== batch * d * S)
        throw new RangeError(
          `netDenoiser: the state has ${values.length} entries; the network needs batch * d * S = ${batch} * ${d} * ${S}`,
        );
      return tf.tensor3d(Float32Array.from(values), [batch, d, S]);
    },
    posterior(xt: tf.Tensor3D, batch: number, abar: number): tf.Tensor3D {
      return tf.tidy(() => {
        const input = netInput(xt, abar);
        const parts: tf.Tensor[] = [];
        for (let s = 0; s < batch; s += batchSize) {
          const n = Math.min(batchSize, batch - s);
          const chunk = n === batch ? input : tf.slice(input, [s, 0, 0], [n, d, S]);
          parts.push(tf.softmax(model.predict(chunk) as tf.Tensor, -1));
        }
        return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor3D;
      });
    },
    step(x0: tf.Tensor3D, xt: tf.Tensor3D, s: NetLinearStep, noise: Float64Array | null, batch: number): tf.Tensor3D {
      return tf.tidy(() => {
        const mean = tf.add(tf.mul(x0, s.cX0), tf.mul(xt, s.cXt));
        if (noise === null) return mean as tf.Tensor3D;
        const z = tf.tensor3d(Float32Array.from(noise), [batch, d, S]);
        return tf.add(mean, tf.mul(z, s.cNoise)) as tf.Tensor3D;
      });
    },
    async argmax(x: tf.Tensor3D): Promise<Int32Array> {
      const a = tf.argMax(x, -1);
      try {
        return Int32Array.from(await a.data());
      } finally {
        a.dispose();
      }
    },
    dispose(x: tf.Tensor3D): void {
      x.dispose();
    },
  };
}
