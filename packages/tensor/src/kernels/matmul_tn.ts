// a^T·b for the weight gradients (x^T·dy of a dense layer, cols^T·dy of a tiling conv): a [P, M]
// and b [P, N] share the long axis P. Through XNNPACK that product needs a transposed copy of
// a and a re-pack of b on every call (profiled at about half the plain GEMM's speed); heap.wat's
// gemmTN reads both in place, rows of a and b streaming past register-held blocks of the result.
// Its float32 sums run over p in order, multiply then add, each rounded: XNNPACK's wasm SIMD
// GEMM sums its shared axis the same way, so both paths give the same bits (matmul_tn.test.ts),
// and the pinned training losses stay as they were.
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { gemmOperands } from "./gemm_operands";
import { gemmSplitter } from "./gemm_split";
import { heapSimd } from "./heap_simd";
import { byteOffset, heapMemory, heapF32 } from "./wasm_ops";

let enabled = true;

/** Use gemmTN (true) or the transpose + XNNPACK path (false); returns the previous setting. */
export function setGemmTN(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * a[..., P, M]^T x b[..., P, N] through heap.wat's gemmTN, or null where it does not apply
 * (no wasm SIMD, M % 4 or N % 8 nonzero, batch dims that differ, or switched off): the
 * caller then takes the XNNPACK path.
 */
export function matMulTN(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  const ops = enabled ? gemmOperands(a, b) : null;
  if (ops === null) return null;
  const [[P, M], [Pb, N]] = [ops.a2, ops.b2];
  if (P !== Pb || P === 0 || M % 4 !== 0 || N % 8 !== 0) return null;
  const k = heapSimd(backend);
  if (k === null) return null;
  const out = backend.makeOutput([...ops.batch, M, N], "float32");
  heapF32(backend, out).fill(0);
  const ao = byteOffset(backend, a);
  const bo = byteOffset(backend, b);
  const co = byteOffset(backend, out);
  const split = ops.n === 1 ? gemmSplitter() : null;
  if (split?.tn(k, heapMemory(backend), ao, bo, co, P, M, N)) return out;
  for (let i = 0; i < ops.n; i++) {
    k.gemmTN(ao + i * P * M * 4, bo + i * P * N * 4, co + i * M * N * 4, P, M, N, M);
  }
  return out;
}
