// SplitV (the gradient of concatenation: every long skip of the U-Net). The stock kernel
// calls the stock Slice directly, so it must be replaced too to get the fast Slice.
import * as tf from "@tensorflow/tfjs";
import { slice } from "./slice";
import type { KernelArgs } from "./wasm_ops";

function splitV(args: KernelArgs<tf.SplitVAttrs>): tf.TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = slice({ inputs: { x }, backend, attrs: { begin: begin.slice(), size } });
    begin[axis] += s;
    return piece;
  });
}

export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: "wasm",
  kernelFunc: splitV as unknown as tf.KernelFunc,
};
