// BatchMatMul with transposeA/transposeB. Stock wasm runs the transposed variants ~10-20x
// slower than the plain one (measured 11-28 ms vs ~1 ms on 2048x64x64); materialising the
// transpose with the wasm Transpose kernel first costs well under 1 ms.
import * as tf from "@tensorflow/tfjs";
import { matMulNN } from "./matmul_nn";
import { KernelArgs, release, transposeLast2 } from "./wasm_ops";

function batchMatMul(args: KernelArgs<tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(`BatchMatMul: only float32 is supported on wasm, got ${a.dtype} x ${b.dtype}`);
  }
  const temps: tf.TensorInfo[] = [];
  const a2 = attrs.transposeA ? transposeLast2(backend, a) : a;
  if (a2 !== a) temps.push(a2);
  const b2 = attrs.transposeB ? transposeLast2(backend, b) : b;
  if (b2 !== b) temps.push(b2);
  const out = matMulNN(backend, a2, b2);
  release(backend, ...temps);
  return out;
}

export const batchMatMulConfig: Omit<tf.KernelConfig, "setupFunc"> = {
  kernelName: tf.BatchMatMul,
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
