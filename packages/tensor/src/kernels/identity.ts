// Identity. The engine clones (runs Identity on) every tensor it saves for the backward
// pass: ~200 calls per U-Net training step, each a full copy on stock wasm. Tensors are
// immutable (variables are re-pointed, never written in place), so sharing the data with
// a reference count, as the cpu backend and the wasm Reshape already do, is enough.
import * as tf from "@tensorflow/tfjs";
import type { KernelArgs } from "./wasm_ops";

function identity(args: KernelArgs<Record<string, never>>): tf.TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: identity as unknown as tf.KernelFunc,
};
