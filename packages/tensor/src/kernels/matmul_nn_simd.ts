// a·b for the dense layers' forward product x·W and input gradient dy·W^T, through heap.wat's
// gemmNN. XNNPACK packs its right operand on every call it has not seen (its cache is keyed by
// tensor id, and each Adam step makes every weight a new tensor), about 9 ms of the U-Net's
// step; gemmNN reads both operands in place. It sums over k in order, multiply then add, each
// rounded to float32, as XNNPACK's wasm SIMD kernels do: the same bits (matmul_nn_simd.test.ts).
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapSimd } from "./heap_simd";
import { byteOffset } from "./wasm_ops";

let enabled = true;

/** Use gemmNN (true) or XNNPACK (false) for plain products; returns the previous setting. */
export function setGemmNN(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * bias[N] + a[..., M, K] x b[..., K, N] through heap.wat's gemmNN, or null where it does not apply (no
 * wasm SIMD, M % 4 or N % 8 nonzero, K = 0, batch dims that differ, a bias
 * that is not N float32s, or switched off): the
 * caller then takes XNNPACK.
 */
export function matMulNNSimd(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  bias?: tf.TensorInfo,
): tf.TensorInfo | null {
  if (!enabled || a.dtype !== "float32" || b.dtype !== "float32") return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, K] = a.shape.slice(ra - 2);
  const [Kb, N] = b.shape.slice(rb - 2);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = tf.util.sizeFromShape(batchA);
  const nB = tf.util.sizeFromShape(batchB);
  if (K !== Kb || K === 0 || M === 0 || M % 4 !== 0 || N % 8 !== 0) return null;
  if (nA !== nB || (nA > 1 && !tf.util.arraysEqual(batchA, batchB))) return null;
  if (bias !== undefined && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== N)) return null;
  const k = heapSimd(backend);
  if (k === null) return null;
  const batch = nA > 1 ? batchA : ra > rb ? batchA : batchB;
  const out = backend.makeOutput([...batch, M, N], "float32");
  const ao = byteOffset(backend, a);
  const bo = byteOffset(backend, b);
  const co = byteOffset(backend, out);
  const biasO = bias === undefined ? 0 : byteOffset(backend, bias);
  for (let i = 0; i < nA; i++) {
    k.gemmNN(ao + i * M * K * 4, bo + i * K * N * 4, biasO, co + i * M * N * 4, M, K, N);
  }
  return out;
}
