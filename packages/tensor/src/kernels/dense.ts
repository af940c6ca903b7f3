// A dense layer's training step in three engine calls instead of about seventeen. tfjs-layers'
// Dense on a [.., K] input, while gradients are recorded, runs reshape, transpose (of W, by
// the identity permutation), reshape, matMul, add, relu and reshape, each through the engine
// with a tape node and saved tensors, and as many calls again backwards: at about 10 us of
// engine work per call that was most of the d = 8 U-Net step's JavaScript. GhmDense does the
// forward pass in one call, GhmDenseGrad the weight and bias gradients (and the ReLU's) in one,
// GhmDenseGradInput the input gradient in one. Inside, they call the very kernels the engine
// would have called (BatchMatMul, Add, Relu or _FusedMatMul forwards; GhmReluGrad, BatchMatMul,
// Sum backwards) on the same operands, except that heap.wat's addRowsRelu does the bias add and
// the ReLU in one pass (the same float32 add, then max with 0: two fewer passes over the
// layer's output; in-process A/B, six runs, the d = 64 step 0.99-1.06x, mean 1.03x, and three
// at d = 8, 1.00-1.10x, mean 1.06x); so every value is the same bits (tested on the U-Net);
// reshapes are views of the same data. One difference: the ReLU's gradient is masked by the
// output y instead of the input z (y > 0 exactly where z > 0; only a NaN z could tell them apart).
import * as tf from "@tensorflow/tfjs";
import { RELU_GRAD } from "./relu_grad";
import { rowsPlusBias } from "./add";
import { heapSimd } from "./heap_simd";
import { byteOffset, callKernel, type KernelArgs, release } from "./wasm_ops";

export const DENSE = "GhmDense";
export const DENSE_GRAD = "GhmDenseGrad";
export const DENSE_GRAD_INPUT = "GhmDenseGradInput";

/** "relu": z = x W (BatchMatMul), z + bias (Add), relu; "linear": bias + x W (_FusedMatMul), as tfjs-core runs each while recording gradients. */
export interface DenseAttrs {
  activation: "relu" | "linear";
}

type Info = tf.TensorInfo;

/** The same data seen with another shape of the same size (what the wasm Reshape returns, without the call). */
const view = (x: Info, shape: number[]): Info => ({ dataId: x.dataId, shape, dtype: x.dtype });

/** Rows of a [.., C] tensor seen as a matrix. */
const rows = (x: Info): number => tf.util.sizeFromShape(x.shape) / x.shape[x.shape.length - 1];

function dense(args: KernelArgs<DenseAttrs>): Info {
  const { inputs, backend, attrs } = args;
  const { x, W, bias } = inputs;
  const [K, N] = W.shape;
  const P = rows(x);
  const outShape = [...x.shape.slice(0, -1), N];
  if (attrs.activation === "linear") {
    // tf.fused.matMul keeps a linear activation fused while recording: a [1, P, K], b [1, K, N].
    const y = callKernel(
      tf._FusedMatMul,
      backend,
      { a: view(x, [1, P, K]), b: view(W, [1, K, N]), bias },
      { transposeA: false, transposeB: false, activation: "linear" },
    );
    return view(y, outShape);
  }
  const z = callKernel(tf.BatchMatMul, backend, { a: view(x, [P, K]), b: W }, { transposeA: false, transposeB: false });
  const simd = heapSimd(backend);
  const rc = simd === null ? null : rowsPlusBias(z, bias); // the shapes Add takes to addRows
  if (simd !== null && rc !== null) {
    // The bias add and the ReLU in one pass over z, in place (z is this call's own).
    if (rc[0] > 0) simd.addRowsRelu(byteOffset(backend, z), byteOffset(backend, bias), byteOffset(backend, z), ...rc);
    return view(z, outShape);
  }
  const zb = callKernel(tf.Add, backend, { a: z, b: bias });
  release(backend, z);
  const y = callKernel(tf.Relu, backend, { x: zb });
  release(backend, zb);
  return view(y, outShape);
}

/**
 * [dW, dbias], and first dz (dy through the ReLU) for "relu": the gradients of BatchMatMul's
 * b (x^T dz) and of Add's bias (dz summed over rows), as tfjs-core's gradients compute them.
 */
function denseGrad(args: KernelArgs<DenseAttrs>): Info[] {
  const { inputs, backend, attrs } = args;
  const { dy, x, y } = inputs;
  const [P, N] = [rows(dy), dy.shape[dy.shape.length - 1]];
  const K = x.shape[x.shape.length - 1];
  const dz = attrs.activation === "relu" ? callKernel(RELU_GRAD, backend, { dy, x: y }) : dy;
  const dW = callKernel(
    tf.BatchMatMul,
    backend,
    { a: view(x, [P, K]), b: view(dz, [P, N]) },
    { transposeA: true, transposeB: false },
  );
  const db = callKernel(tf.Sum, backend, { x: view(dz, [P, N]) }, { axis: [0], keepDims: false });
  return attrs.activation === "relu" ? [dW, db, dz] : [dW, db];
}

/** dx = dz W^T, in x's shape: BatchMatMul's gradient for a. */
function denseGradInput(args: KernelArgs<Record<string, never>>): Info {
  const { inputs, backend } = args;
  const { dz, W } = inputs;
  const [K, N] = W.shape;
  const P = rows(dz);
  const dx = callKernel(
    tf.BatchMatMul,
    backend,
    { a: view(dz, [P, N]), b: W },
    { transposeA: false, transposeB: true },
  );
  return view(dx, [...dz.shape.slice(0, -1), K]);
}

const config = (kernelName: string, kernelFunc: unknown): tf.KernelConfig => ({
  kernelName,
  backendName: "wasm",
  kernelFunc: kernelFunc as tf.KernelFunc,
});

export const denseConfig = config(DENSE, dense);
export const denseGradConfig = config(DENSE_GRAD, denseGrad);
export const denseGradInputConfig = config(DENSE_GRAD_INPUT, denseGradInput);

let gradientRegistered = false;

/** GhmDense's gradient (once; it runs only where GhmDense ran, i.e. on wasm with ghmkit's kernels). */
export function registerDenseGrad(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: DENSE,
    inputsToSave: ["x", "W"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, W, y] = saved;
      const engine = tf.engine();
      const activation = (attrs as unknown as DenseAttrs).activation;
      const out = engine.runKernel(DENSE_GRAD, { dy: dy as tf.Tensor, x, y }, attrs) as tf.Tensor[];
      const [dW, db] = out;
      // Computed when asked: the first layer's input (the data) needs no gradient.
      const dz = activation === "relu" ? out[2] : (dy as tf.Tensor);
      return {
        x: () => engine.runKernel(DENSE_GRAD_INPUT, { dz, W }) as tf.Tensor,
        W: () => dW,
        bias: () => db,
      };
    },
  });
}

/**
 * GhmDenseGrad through the engine, as the gradient registered above runs it: dW and dbias,
 * and dz (dy through the ReLU; dy itself for "linear"), the input of denseGradInputOp.
 */
export function denseGradOp(
  dy: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  activation: DenseAttrs["activation"],
): { dW: tf.Tensor; db: tf.Tensor; dz: tf.Tensor } {
  const out = tf
    .engine()
    .runKernel(DENSE_GRAD, { dy, x, y }, { activation } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { dW: out[0], db: out[1], dz: activation === "relu" ? out[2] : dy };
}

/** dx = dz W^T in x's shape, through GhmDenseGradInput. */
export function denseGradInputOp(dz: tf.Tensor, W: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(DENSE_GRAD_INPUT, { dz, W }) as tf.Tensor;
}

/** y = activation(x W + bias) through GhmDense (wasm with ghmkit's kernels only). */
export function denseOp(x: tf.Tensor, W: tf.Tensor, bias: tf.Tensor, activation: DenseAttrs["activation"]): tf.Tensor {
  return tf.engine().runKernel(DENSE, { x, W, bias }, { activation } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
