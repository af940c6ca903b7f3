// GhmAdamUpdate: one Adam step for one variable in a single pass. tf.train.adam composes
// ~15 kernels (plus scalar uploads) per variable per step: ~600 kernel calls for the
// 28-variable benchmark U-Net, about a fifth of a training step on wasm. Outputs
// [value', m', v'] as new tensors (never in place: tensors may share data, see identity.ts).
import * as tf from "@tensorflow/tfjs";
import { heapF32, type KernelArgs } from "./wasm_ops";

export const ADAM_UPDATE = "GhmAdamUpdate";

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for this step t (bias corrections). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

function adamUpdate(args: KernelArgs<AdamUpdateAttrs>): tf.TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { value, m, v, grad } = inputs;
  const size = tf.util.sizeFromShape(value.shape);
  for (const [name, t] of Object.entries({ value, m, v, grad })) {
    if (t.dtype !== "float32" || tf.util.sizeFromShape(t.shape) !== size) {
      throw new Error(`${ADAM_UPDATE}: ${name} must be float32 with ${size} elements, got ${t.dtype} [${t.shape}]`);
    }
  }
  const outValue = backend.makeOutput(value.shape, "float32");
  const outM = backend.makeOutput(value.shape, "float32");
  const outV = backend.makeOutput(value.shape, "float32");
  const x = heapF32(backend, value);
  const m0 = heapF32(backend, m);
  const v0 = heapF32(backend, v);
  const g = heapF32(backend, grad);
  const x1 = heapF32(backend, outValue);
  const m1 = heapF32(backend, outM);
  const v1 = heapF32(backend, outV);
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, oneMinusAccBeta1: c1, oneMinusAccBeta2: c2 } = attrs;
  for (let i = 0; i < size; i++) {
    const gi = g[i];
    const mi = b1 * m0[i] + (1 - b1) * gi;
    const vi = b2 * v0[i] + (1 - b2) * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    x1[i] = x[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
  return [outValue, outM, outV];
}

export const adamUpdateConfig: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: "wasm",
  kernelFunc: adamUpdate as unknown as tf.KernelFunc,
};
