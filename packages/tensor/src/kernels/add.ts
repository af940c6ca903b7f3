// Add of a float32 x [..., C] and a bias [C] (either order): every dense layer's bias add
// that the engine leaves unfused (tf.fused.matMul with an activation splits into matMul,
// add, activation while gradients are recorded; 33 per d=64 U-Net step). Stock wasm
// broadcasts through XNNPACK's generic binary op; heap.wat's addRows does one f32x4 add per
// 4 elements. Float32 addition is exact-rounded and commutative: stock's bits. Other
// operands, C % 4 != 0, or no heap SIMD: the stock kernel.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { byteOffset, callKernelFunc, type KernelArgs } from "./wasm_ops";

let stockAdd: tf.KernelConfig | undefined;

export function setStockAdd(config: tf.KernelConfig | undefined): void {
  stockAdd = config;
}

/** [rows, C] when `x` is [..., C] (rank >= 2) and `b` is [C], both float32, C % 4 = 0; else null. */
export function rowsPlusBias(x: tf.TensorInfo, b: tf.TensorInfo): [number, number] | null {
  if (x.dtype !== "float32" || b.dtype !== "float32" || x.shape.length < 2 || b.shape.length !== 1) return null;
  const C = b.shape[0];
  if (C % 4 !== 0 || C === 0 || x.shape[x.shape.length - 1] !== C) return null;
  return [tf.util.sizeFromShape(x.shape) / C, C];
}

function add(args: KernelArgs<Record<string, never>>): tf.TensorInfo {
  const { inputs, backend } = args;
  const { a, b } = inputs;
  const simd = heapSimd(backend);
  if (simd !== null) {
    const [x, bias] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
    const rc = rowsPlusBias(x, bias);
    if (rc !== null) {
      const out = backend.makeOutput(x.shape, "float32");
      if (rc[0] > 0)
        simd.addRows(byteOffset(backend, x), byteOffset(backend, bias), byteOffset(backend, out), rc[0], rc[1]);
      return out;
    }
  }
  if (stockAdd === undefined) throw new Error("Add: the stock wasm Add kernel is not registered");
  return callKernelFunc(stockAdd.kernelFunc, backend, inputs, {});
}

export const addConfig: tf.KernelConfig = {
  kernelName: tf.Add,
  backendName: "wasm",
  kernelFunc: add as unknown as tf.KernelFunc,
};
