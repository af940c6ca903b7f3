// The stock wasm BatchMatMul, kept so that custom kernels can reach its fast
// non-transposed path even after BatchMatMul itself is overridden.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { callKernelFunc } from "./wasm_ops";

let stockBatchMatMul: tf.KernelConfig | undefined;

export function setStockBatchMatMul(config: tf.KernelConfig): void {
  stockBatchMatMul = config;
}

export function getStockBatchMatMul(): tf.KernelConfig {
  if (stockBatchMatMul === undefined) {
    const config = tf.getKernel(tf.BatchMatMul, "wasm");
    if (config === undefined) throw new Error("wasm BatchMatMul is not registered");
    stockBatchMatMul = config;
  }
  return stockBatchMatMul;
}

/** a[..., M, K] x b[..., K, N] through the stock (fast) non-transposed GEMM. */
export function matMulNN(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return callKernelFunc(getStockBatchMatMul().kernelFunc, backend, { a, b }, {
    transposeA: false,
    transposeB: false,
  });
}
