// BatchMatMul with transposeA/transposeB. Stock wasm runs the transposed variants (and any
// batch > 1) through a naive loop, ~10-20x slower than its XNNPACK path (measured 11-28 ms
// vs ~1 ms on 2048x64x64). That path computes A·B with B "packed" (re-laid out, with a
// strided transpose) on every call, which costs about twice a plain transpose per element.
// So each product goes through it either as op(A)·op(B) or as (op(B)^T·op(A)^T)^T, with
// whatever operands need it materialised by the wasm Transpose, choosing the cheaper.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { matMulNN } from "./matmul_nn";
import { matMulTN } from "./matmul_tn";
import { type KernelArgs, release, transposeLast2 } from "./wasm_ops";

/** Relative per-element cost of packing the right operand vs transposing (measured ~2). */
const PACK_COST = 2;

/** op(a)·op(b) for float32 a, b of rank >= 2 (batch dims broadcast as in tf.matMul). */
export function matMulAnyTranspose(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const direct = (transposeA ? M * K : 0) + (transposeB ? K * N : 0) + PACK_COST * K * N;
  const swapped = (transposeA ? 0 : M * K) + (transposeB ? 0 : K * N) + PACK_COST * M * K + M * N;
  // Plain products stay plain: swapping them never measured faster.
  if (!transposeA && !transposeB) return matMulNN(backend, a, b);
  if (transposeA && !transposeB) {
    const tn = matMulTN(backend, a, b);
    if (tn !== null) return tn;
  }
  const temps: tf.TensorInfo[] = [];
  const t = (x: tf.TensorInfo): tf.TensorInfo => {
    const y = transposeLast2(backend, x);
    temps.push(y);
    return y;
  };
  let out: tf.TensorInfo;
  if (direct <= swapped) {
    out = matMulNN(backend, transposeA ? t(a) : a, transposeB ? t(b) : b);
  } else {
    const outT = matMulNN(backend, transposeB ? b : t(b), transposeA ? a : t(a));
    temps.push(outT);
    out = transposeLast2(backend, outT);
  }
  release(backend, ...temps);
  return out;
}

function batchMatMul(args: KernelArgs<tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(`BatchMatMul: only float32 is supported on wasm, got ${a.dtype} x ${b.dtype}`);
  }
  return matMulAnyTranspose(backend, a, b, attrs.transposeA, attrs.transposeB);
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
