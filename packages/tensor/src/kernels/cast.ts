// Cast to the dtype a tensor already has: tfjs-core's gradients cast float32 to float32
// (Relu's Step mask, Mean's and Sum's broadcasts, ...), ~25 full copies per d=64 U-Net
// training step on stock wasm. Tensors are immutable, so the data is shared by reference
// count, as Identity does. A real conversion goes to the stock kernel.
import * as tf from "@tensorflow/tfjs";
import { callKernelFunc, type KernelArgs } from "./wasm_ops";

let stockCast: tf.KernelConfig | undefined;

export function setStockCast(config: tf.KernelConfig | undefined): void {
  stockCast = config;
}

function cast(args: KernelArgs<tf.CastAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === attrs.dtype && x.dtype !== "string" && x.dtype !== "complex64") {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }
  if (stockCast === undefined) throw new Error("Cast: the stock wasm Cast kernel is not registered");
  return callKernelFunc(stockCast.kernelFunc, backend, inputs, attrs as unknown as Record<string, unknown>);
}

export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: "wasm",
  kernelFunc: cast as unknown as tf.KernelFunc,
};
