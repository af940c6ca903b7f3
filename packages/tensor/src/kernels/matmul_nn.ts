// Plain (non-transposed) products through stock wasm's fast path. The stock BatchMatMul
// is kept so custom kernels can reach it after BatchMatMul itself is overridden. Its C++
// takes the XNNPACK path only when both operands have batch 1 (anything else runs a naive
// triple loop), so batched products are split here into per-batch XNNPACK calls on
// zero-copy views of the operands, when the matrices are big enough to repay the calls.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { matMulNNSimd } from "./matmul_nn_simd";
import { callKernelFunc, heapF32, release, reshape } from "./wasm_ops";

let stockBatchMatMul: tf.KernelConfig | undefined;

export function setStockBatchMatMul(config: tf.KernelConfig): void {
  stockBatchMatMul = config;
}

function stock(): tf.KernelConfig {
  if (stockBatchMatMul === undefined) {
    const config = tf.getKernel(tf.BatchMatMul, "wasm");
    if (config === undefined) throw new Error("wasm BatchMatMul is not registered");
    stockBatchMatMul = config;
  }
  return stockBatchMatMul;
}

function stockMatMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return callKernelFunc(stock().kernelFunc, backend, { a, b }, { transposeA: false, transposeB: false });
}

/** Below this many multiply-adds per batch entry the per-call overhead outweighs XNNPACK. */
const MIN_MACS_PER_BATCH = 16384;

/** A tensor registered on part of another's heap memory; free it with `releaseView`. */
function view(backend: BackendWasm, base: tf.TensorInfo, offsetElems: number, shape: number[]): tf.TensorInfo {
  const { memoryOffset } = backend.dataIdMap.get(base.dataId) as unknown as { memoryOffset: number };
  return backend.makeOutput(shape, "float32", memoryOffset + offsetElems * 4);
}

/** Unregister a view without freeing the memory it borrows. */
function releaseView(backend: BackendWasm, v: tf.TensorInfo): void {
  const { id } = backend.dataIdMap.get(v.dataId) as unknown as { id: number };
  (backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(id);
  backend.dataIdMap.delete(v.dataId);
}

/** a[..., M, K] x b[..., K, N] (batch dims broadcast) through the fast GEMM. */
export function matMulNN(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const simd = matMulNNSimd(backend, a, b);
  if (simd !== null) return simd;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, K] = a.shape.slice(ra - 2);
  const N = b.shape[rb - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = tf.util.sizeFromShape(batchA);
  const nB = tf.util.sizeFromShape(batchB);
  if ((nA === 1 && nB === 1) || M * K * N < MIN_MACS_PER_BATCH || a.dtype !== "float32") {
    return stockMatMul(backend, a, b);
  }
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const out = backend.makeOutput([...outBatch, M, N], "float32");
  const strides = tf.util.computeStrides(outBatch);
  const nOut = tf.util.sizeFromShape(outBatch);
  // Flat batch index into an operand with batch dims `shape` for output batch `i`
  // (row-major; the operand's dims align right, size-1 dims broadcast).
  const source = (shape: number[], i: number): number => {
    const pad = outBatch.length - shape.length;
    let flat = 0;
    let rest = i;
    for (let d = 0; d < outBatch.length; d++) {
      const stride = d < strides.length ? strides[d] : 1;
      const coord = Math.floor(rest / stride);
      rest -= coord * stride;
      if (d < pad) continue;
      const size = shape[d - pad];
      flat = flat * size + (size === 1 ? 0 : coord);
    }
    return flat;
  };
  // A shared operand is viewed once, so XNNPACK packs it once (its cache is per tensor id).
  const sharedA = nA === 1 ? reshape(backend, a, [1, M, K]) : null;
  const sharedB = nB === 1 ? reshape(backend, b, [1, K, N]) : null;
  for (let i = 0; i < nOut; i++) {
    const ai = sharedA ?? view(backend, a, source(batchA, i) * M * K, [1, M, K]);
    const bi = sharedB ?? view(backend, b, source(batchB, i) * K * N, [1, K, N]);
    const oi = stockMatMul(backend, ai, bi);
    heapF32(backend, out).set(heapF32(backend, oi), i * M * N);
    release(backend, oi);
    if (ai !== sharedA) releaseView(backend, ai);
    if (bi !== sharedB) releaseView(backend, bi);
  }
  if (sharedA !== null) release(backend, sharedA);
  if (sharedB !== null) release(backend, sharedB);
  return out;
}
