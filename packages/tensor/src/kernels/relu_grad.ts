// The gradient of Relu. tfjs-core composes it as dy * cast(step(x), "float32"): three kernel
// calls and three passes over every activation, 24 times per d=64 U-Net training step. On
// wasm with ghmkit's kernels, Relu's gradient runs GhmReluGrad instead: one pass (heap.wat's
// reluGrad, or a JS loop), the same products dy * 1, dy * 0 or dy * NaN, so the same bits.
// Elsewhere (other backends, stock wasm kernels) it is tfjs-core's own gradient.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { byteOffset, type KernelArgs } from "./wasm_ops";

export const RELU_GRAD = "GhmReluGrad";

function reluGrad(args: KernelArgs<Record<string, never>>): tf.TensorInfo {
  const { inputs, backend } = args;
  const { dy, x } = inputs;
  if (dy.dtype !== "float32" || x.dtype !== "float32" || !tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(
      `${RELU_GRAD}: dy and x must be float32 of one shape, got ${dy.dtype} [${dy.shape}] and ${x.dtype} [${x.shape}]`,
    );
  }
  const out = backend.makeOutput(x.shape, "float32");
  const n = tf.util.sizeFromShape(x.shape);
  if (n === 0) return out;
  const [d, s, o] = [byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, out)];
  const simd = heapSimd(backend);
  if (simd !== null) {
    simd.reluGrad(d, s, o, n);
    return out;
  }
  const heap = new Float32Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer);
  const [dI, sI, oI] = [d >> 2, s >> 2, o >> 2];
  for (let i = 0; i < n; i++) {
    const xi = heap[sI + i];
    heap[oI + i] = heap[dI + i] * (xi > 0 ? 1 : Number.isNaN(xi) ? Number.NaN : 0);
  }
  return out;
}

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: "wasm",
  kernelFunc: reluGrad as unknown as tf.KernelFunc,
};

let stockGrad: tf.GradConfig | undefined;

/**
 * Make Relu's gradient use GhmReluGrad wherever the active backend has it registered (once;
 * gradients are global, so the check is made per call and tfjs-core's gradient runs elsewhere).
 */
export function registerReluGrad(): void {
  if (stockGrad !== undefined) return;
  const stock = tf.getGradient(tf.Relu);
  if (stock === undefined) throw new Error("Relu: tfjs-core's gradient is not registered");
  stockGrad = stock;
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const engine = tf.engine();
      if (tf.getKernel(RELU_GRAD, engine.backendName) === undefined) return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => engine.runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor };
    },
  });
}
