// Conv2DBackpropInput (the gradient of conv2d w.r.t. its input, and the forward pass of
// conv2dTranspose). Stock wasm has it but runs a direct loop (10 ms for a 1x1 conv on
// [64,32,64] -> 64). Here: cols[P, K] = dy[P, outC] x W^T[outC, K], then the patches go
// back to the input: a reshape for non-overlapping 1D convs, a JS col2im otherwise.
import * as tf from "@tensorflow/tfjs";
import { col2im, convGeometry } from "./conv_patches";
import { matMulAnyTranspose } from "./batch_mat_mul";
import { heapF32, type KernelArgs, release, reshape } from "./wasm_ops";

function conv2DBackpropInput(args: KernelArgs<tf.Conv2DBackpropInputAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const g = convGeometry(tf.Conv2DBackpropInput, attrs.inputShape, filter.shape, attrs);
  const outC = g.info.outChannels;
  const w2 = reshape(backend, filter, [g.K, outC]);
  const dy2 = reshape(backend, dy, [g.P, outC]);
  const cols = matMulAnyTranspose(backend, dy2, w2, false, true);
  release(backend, w2, dy2);
  if (g.tiles) {
    const out = reshape(backend, cols, attrs.inputShape);
    release(backend, cols);
    return out;
  }
  const dx = backend.makeOutput(attrs.inputShape, "float32");
  col2im(g, heapF32(backend, cols), heapF32(backend, dx));
  release(backend, cols);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
