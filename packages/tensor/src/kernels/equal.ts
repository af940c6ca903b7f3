// Equal with broadcasting. The gradient of every max reduction (logSumExp in the training
// loss: x [64,64,8] against its max [64,64,1]) compares through stock wasm's generic
// broadcast path, which took ~10 ms of CPU for those 32k elements, a tenth of a d = 64
// training step; this loop walks the output once with per-operand strides (0 on a
// broadcast axis). Equal-shaped operands keep the stock kernel. Comparisons are exact, so
// the result is the stock one bit for bit.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { byteOffset, callKernelFunc, type KernelArgs } from "./wasm_ops";

let stockEqual: tf.KernelConfig | undefined;

export function setStockEqual(config: tf.KernelConfig | undefined): void {
  stockEqual = config;
}

/** Element strides of `shape` aligned right to `out` (0 on axes it lacks or broadcasts). */
function broadcastStrides(shape: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1, j = out.length - 1; i >= 0; i--, j--) {
    strides[j] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** [R, C] when a is [..., C] and b the same with a last dim of 1 (x against its max), else null. */
function rowBroadcast(a: number[], b: number[]): [number, number] | null {
  const r = a.length;
  if (r < 1 || b.length !== r || b[r - 1] !== 1) return null;
  for (let i = 0; i < r - 1; i++) if (a[i] !== b[i]) return null;
  return [tf.util.sizeFromShape(b), a[r - 1]];
}

function equal(args: KernelArgs<Record<string, never>>): tf.TensorInfo {
  const { inputs, backend } = args;
  const { a, b } = inputs;
  const same = a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);
  if (same || a.dtype === "string" || b.dtype === "string" || a.dtype !== b.dtype) {
    if (stockEqual === undefined) throw new Error("Equal: the stock wasm Equal kernel is not registered");
    return callKernelFunc(stockEqual.kernelFunc, backend, inputs, {});
  }
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(shape, "bool");
  const size = tf.util.sizeFromShape(shape);
  if (size === 0) return out;
  const rows = rowBroadcast(a.shape, b.shape);
  const k = rows !== null && a.dtype === "float32" ? heapSimd(backend) : null;
  if (rows !== null && k !== null) {
    k.equalRows(byteOffset(backend, a), byteOffset(backend, b), byteOffset(backend, out), rows[0], rows[1]);
    return out;
  }
  // Typed views after makeOutput: an allocation may grow (and detach) the heap.
  const x = backend.typedArrayFromHeap(a);
  const y = backend.typedArrayFromHeap(b);
  const o = backend.typedArrayFromHeap(out) as Uint8Array;
  const r = shape.length;
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const inner = shape[r - 1];
  const ia = sa[r - 1];
  const ib = sb[r - 1];
  const idx = new Array<number>(r).fill(0);
  let pa = 0;
  let pb = 0;
  for (let base = 0; base < size; base += inner) {
    for (let k = 0; k < inner; k++) o[base + k] = x[pa + k * ia] === y[pb + k * ib] ? 1 : 0;
    // Odometer over the outer axes.
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < shape[d]) break;
      pa -= sa[d] * shape[d];
      pb -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export const equalConfig: tf.KernelConfig = {
  kernelName: tf.Equal,
  backendName: "wasm",
  kernelFunc: equal as unknown as tf.KernelFunc,
};
