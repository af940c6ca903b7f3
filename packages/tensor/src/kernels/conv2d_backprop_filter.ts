// Conv2DBackpropFilter, missing from stock wasm (so no conv could train there):
// dW[K, outC] = cols[P, K]^T x dy[P, outC]. For the non-overlapping 1D convs of ghmkit's
// nets the patch matrix is a reshape of x (then the transposed GEMM goes through
// matMulAnyTranspose); any other geometry gathers cols^T directly with a JS im2col loop.
// Either way the GEMM is the fast non-transposed wasm one.
import * as tf from "@tensorflow/tfjs";
import { convGeometry, im2colT } from "./conv_patches";
import { matMulAnyTranspose } from "./batch_mat_mul";
import { matMulNN } from "./matmul_nn";
import { heapF32, type KernelArgs, release, reshape } from "./wasm_ops";

function conv2DBackpropFilter(args: KernelArgs<tf.Conv2DBackpropFilterAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const g = convGeometry(tf.Conv2DBackpropFilter, x.shape, attrs.filterShape, attrs);
  const dy2 = reshape(backend, dy, [g.P, g.info.outChannels]);
  let dw: tf.TensorInfo;
  if (g.tiles) {
    const cols = reshape(backend, x, [g.P, g.K]);
    dw = matMulAnyTranspose(backend, cols, dy2, true, false);
    release(backend, cols);
  } else {
    const colsT = backend.makeOutput([g.K, g.P], "float32");
    im2colT(g, heapF32(backend, x), heapF32(backend, colsT));
    dw = matMulNN(backend, colsT, dy2);
    release(backend, colsT);
  }
  release(backend, dy2);
  const out = reshape(backend, dw, attrs.filterShape);
  release(backend, dw);
  return out;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
