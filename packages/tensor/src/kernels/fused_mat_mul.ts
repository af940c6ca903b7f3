// _FusedMatMul (tf.fused.matMul: the U-Net's linear dense layers with a bias). Stock wasm runs
// it through XNNPACK, which re-packs the weight on every call (a new tensor after each Adam
// step); the linear, non-transposed case goes through heap.wat's gemmNN instead, its sums
// started from the bias as XNNPACK starts them (same bits). Everything else stays stock.
import * as tf from "@tensorflow/tfjs";
import { matMulNNSimd } from "./matmul_nn_simd";
import { callKernelFunc, type KernelArgs } from "./wasm_ops";

let stockFusedMatMul: tf.KernelConfig | undefined;

export function setStockFusedMatMul(config: tf.KernelConfig | undefined): void {
  stockFusedMatMul = config;
}

function fusedMatMul(args: KernelArgs<tf._FusedMatMulAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  // absent inputs may come as undefined or null
  const bias = inputs.bias ?? undefined;
  const plain =
    !attrs.transposeA &&
    !attrs.transposeB &&
    (attrs.activation === "linear" || attrs.activation === undefined) &&
    (inputs.preluActivationWeights ?? undefined) === undefined &&
    (bias === undefined || bias.shape.length === 1);
  const out = plain ? matMulNNSimd(backend, a, b, bias) : null;
  if (out !== null) return out;
  if (stockFusedMatMul === undefined)
    throw new Error("wasm _FusedMatMul missing: load @tensorflow/tfjs-backend-wasm first");
  return callKernelFunc(stockFusedMatMul.kernelFunc, backend, inputs, attrs as unknown as Record<string, unknown>);
}

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: "wasm",
  kernelFunc: fusedMatMul as unknown as tf.KernelFunc,
};
