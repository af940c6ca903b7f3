// Transpose when it is a batch of 2D transposes (perm keeps the leading axes and swaps two
// contiguous groups of trailing ones): every transposed GEMM operand of BatchMatMul and
// Conv2DBackpropFilter. Stock wasm computes a generic index per element (2.9 ms for
// [4096,128]); a JS loop that reads 8 rows at once and writes 8 contiguous outputs takes
// 0.65 ms, and wasm SIMD 4x4 tiles (heap.wat, where it links) less again. Other
// permutations go to the stock kernel.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { byteOffset, callKernelFunc, heapElems, type KernelArgs } from "./wasm_ops";

let stockTranspose: tf.KernelConfig | undefined;

export function setStockTranspose(config: tf.KernelConfig | undefined): void {
  stockTranspose = config;
}

/** [batch, R, C] if `perm` is a batched swap of two trailing axis groups, else null. */
export function batchedSwap(shape: number[], perm: number[]): [number, number, number] | null {
  const r = shape.length;
  let k = 0;
  while (k < r && perm[k] === k) k++;
  if (k === r) return null;
  const j = perm[k] - k;
  for (let i = k; i < r; i++) {
    const want = i < r - j ? i + j : i - (r - j) + k;
    if (perm[i] !== want) return null;
  }
  const size = (from: number, to: number) => tf.util.sizeFromShape(shape.slice(from, to));
  return [size(0, k), size(k, k + j), size(k + j, r)];
}

/** b[c, r] = a[r, c] for an R x C block at `src` into `dst` (elements of one width). */
function transpose2d(heap: Int32Array | Uint8Array, src: number, dst: number, R: number, C: number): void {
  // Column blocks keep the 8 source rows being read in cache.
  const B = 32;
  for (let c0 = 0; c0 < C; c0 += B) {
    const c1 = Math.min(C, c0 + B);
    let r = 0;
    for (; r + 8 <= R; r += 8) {
      const o = src + r * C;
      for (let c = c0; c < c1; c++) {
        const d = dst + c * R + r;
        const s = o + c;
        heap[d] = heap[s];
        heap[d + 1] = heap[s + C];
        heap[d + 2] = heap[s + 2 * C];
        heap[d + 3] = heap[s + 3 * C];
        heap[d + 4] = heap[s + 4 * C];
        heap[d + 5] = heap[s + 5 * C];
        heap[d + 6] = heap[s + 6 * C];
        heap[d + 7] = heap[s + 7 * C];
      }
    }
    for (; r < R; r++) {
      const o = src + r * C;
      for (let c = c0; c < c1; c++) heap[dst + c * R + r] = heap[o + c];
    }
  }
}

function transpose(args: KernelArgs<tf.TransposeAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype !== "string" && attrs.perm.every((p, i) => p === i)) {
    // tfjs-layers' dot transposes every 2D weight by [0, 1] (and its gradient back): ~60 full
    // copies per U-Net step. Tensors are immutable, so the data is shared, as Identity does.
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }
  const swap = x.dtype === "string" ? null : batchedSwap(x.shape, attrs.perm);
  if (swap === null) {
    if (stockTranspose === undefined) throw new Error("Transpose: the stock wasm Transpose kernel is not registered");
    return callKernelFunc(stockTranspose.kernelFunc, backend, inputs, attrs as unknown as Record<string, unknown>);
  }
  const out = backend.makeOutput(
    attrs.perm.map((p) => x.shape[p]),
    x.dtype,
  );
  const [batch, R, C] = swap;
  if (batch * R * C === 0) return out;
  const simd = x.dtype === "bool" ? null : heapSimd(backend);
  if (simd !== null) {
    const s = byteOffset(backend, x);
    const d = byteOffset(backend, out);
    for (let b = 0; b < batch; b++) simd.transpose2d(s + 4 * b * R * C, d + 4 * b * R * C, R, C);
    return out;
  }
  // Heap views taken after makeOutput: an allocation may grow (and detach) the heap.
  const { heap, offset: src } = heapElems(backend, x);
  const dst = heapElems(backend, out).offset;
  for (let b = 0; b < batch; b++) transpose2d(heap, src + b * R * C, dst + b * R * C, R, C);
  return out;
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: "wasm",
  kernelFunc: transpose as unknown as tf.KernelFunc,
};
