// a·b for the dense layers' forward product x·W and input gradient dy·W^T, through heap.wat's
// gemmNN. XNNPACK packs its right operand on every call it has not seen (its cache is keyed by
// tensor id, and each Adam step makes every weight a new tensor), about 9 ms of the U-Net's
// step; gemmNN reads both operands in place. It sums over k in order, multiply then add, each
// rounded to float32, as XNNPACK's wasm SIMD kernels do: the same bits (matmul_nn_simd.test.ts).
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { gemmOperands } from "./gemm_operands";
import { gemmSplitter } from "./gemm_split";
import { heapSimd } from "./heap_simd";
import { byteOffset, heapMemory } from "./wasm_ops";

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
  const ops = enabled ? gemmOperands(a, b) : null;
  if (ops === null) return null;
  const [[M, K], [Kb, N]] = [ops.a2, ops.b2];
  if (K !== Kb || K === 0 || M === 0 || M % 4 !== 0 || N % 8 !== 0) return null;
  if (bias !== undefined && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== N)) return null;
  const k = heapSimd(backend);
  if (k === null) return null;
  const out = backend.makeOutput([...ops.batch, M, N], "float32");
  const ao = byteOffset(backend, a);
  const bo = byteOffset(backend, b);
  const co = byteOffset(backend, out);
  const biasO = bias === undefined ? 0 : byteOffset(backend, bias);
  const split = ops.n === 1 ? gemmSplitter() : null;
  if (split?.nn(k, heapMemory(backend), ao, bo, biasO, co, M, K, N)) return out;
  for (let i = 0; i < ops.n; i++) {
    k.gemmNN(ao + i * M * K * 4, bo + i * K * N * 4, biasO, co + i * M * N * 4, M, K, N);
  }
  return out;
}
