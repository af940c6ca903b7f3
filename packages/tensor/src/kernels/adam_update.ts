// GhmAdamUpdate: one Adam step for one variable in a single pass. tf.train.adam composes
// ~15 kernels (plus scalar uploads) per variable per step: ~600 kernel calls for the
// 28-variable benchmark U-Net, about a fifth of a training step on wasm. Outputs
// [value', m', v'] as new tensors (never in place: tensors may share data, see identity.ts).
//
// Every operation is rounded to float32 in the order tf.train.adam applies its kernels
// (each a correctly rounded float32 op on wasm), so the result is bit-identical to the
// stock optimizer: fround of a double +, *, / or sqrt of float32 operands is the float32
// result (double has more than 2*24+2 bits, so the double rounding is innocuous). Where
// heap.wat links, its f32x4 loop does the same correctly rounded float32 ops in that order.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { byteOffset, heapF32, type KernelArgs } from "./wasm_ops";

export const ADAM_UPDATE = "GhmAdamUpdate";

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for this step t (bias corrections), as float32 values. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

const f = Math.fround;

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
  const simd = heapSimd(backend);
  if (simd !== null) {
    const o = (t: tf.TensorInfo): number => byteOffset(backend, t);
    simd.adam(
      o(value),
      o(m),
      o(v),
      o(grad),
      o(outValue),
      o(outM),
      o(outV),
      size,
      attrs.beta1,
      attrs.beta2,
      f(1 - attrs.beta1),
      f(1 - attrs.beta2),
      -attrs.learningRate,
      attrs.epsilon,
      attrs.oneMinusAccBeta1,
      attrs.oneMinusAccBeta2,
    );
    return [outValue, outM, outV];
  }
  const x = heapF32(backend, value);
  const m0 = heapF32(backend, m);
  const v0 = heapF32(backend, v);
  const g = heapF32(backend, grad);
  const x1 = heapF32(backend, outValue);
  const m1 = heapF32(backend, outM);
  const v1 = heapF32(backend, outV);
  // The scalars exactly as tf.train.adam uploads them (float32 tensors of the JS doubles).
  const b1 = f(attrs.beta1);
  const b2 = f(attrs.beta2);
  const c1 = f(1 - attrs.beta1);
  const c2 = f(1 - attrs.beta2);
  const negLr = f(-attrs.learningRate);
  const eps = f(attrs.epsilon);
  const k1 = f(attrs.oneMinusAccBeta1);
  const k2 = f(attrs.oneMinusAccBeta2);
  for (let i = 0; i < size; i++) {
    const gi = g[i];
    // newM = m*beta1 + g*(1-beta1); newV = v*beta2 + square(g)*(1-beta2)
    const mi = f(f(m0[i] * b1) + f(gi * c1));
    const vi = f(f(v0[i] * b2) + f(f(gi * gi) * c2));
    m1[i] = mi;
    v1[i] = vi;
    // value + (mHat / (sqrt(vHat) + eps)) * -lr
    const mHat = f(mi / k1);
    const vHat = f(vi / k2);
    x1[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * negLr) + x[i]);
  }
  return [outValue, outM, outV];
}

export const adamUpdateConfig: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: "wasm",
  kernelFunc: adamUpdate as unknown as tf.KernelFunc,
};
