// Concat (every long skip of the U-Net, forward). Stock wasm copies row by row through a
// fresh subarray per row (8192 of them to join two [64,64,64] along channels); here each
// row is one copyWithin on the heap, or with wasm SIMD all rows of an input in one call of
// heap.wat's copyRows (the per-call cost of copyWithin dominated rows of 32-256 bytes).
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { callKernelFunc, heapElems, type KernelArgs } from "./wasm_ops";

let stockConcat: tf.KernelConfig | undefined;

export function setStockConcat(config: tf.KernelConfig | undefined): void {
  stockConcat = config;
}

function concat(args: KernelArgs<tf.ConcatAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const xs = Object.keys(inputs)
    .sort((p, q) => Number(p) - Number(q))
    .map((k) => inputs[k]);
  const nonEmpty = xs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (xs[0].dtype === "string" || nonEmpty.length < 2) {
    if (stockConcat === undefined) throw new Error("Concat: the stock wasm Concat kernel is not registered");
    return callKernelFunc(stockConcat.kernelFunc, backend, inputs, attrs as unknown as Record<string, unknown>);
  }
  const axis = tf.util.parseAxisParam(attrs.axis, xs[0].shape)[0];
  tf.backend_util.assertParamsConsistent(
    xs.map((t) => t.shape),
    axis,
  );
  const outShape = tf.backend_util.computeOutShape(
    xs.map((t) => t.shape),
    axis,
  );
  const out = backend.makeOutput(outShape, xs[0].dtype);
  const rows = tf.util.sizeFromShape(outShape.slice(0, axis));
  const widths = nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const total = widths.reduce((a, b) => a + b, 0);
  const { heap, offset: dst } = heapElems(backend, out);
  const srcs = nonEmpty.map((t) => heapElems(backend, t).offset);
  const k = heapSimd(backend);
  if (k !== null) {
    // heapElems offsets count elements of the heap view's width
    const size = heap.BYTES_PER_ELEMENT;
    for (let i = 0, o = dst; i < srcs.length; o += widths[i], i++) {
      k.copyRows(srcs[i] * size, o * size, rows, widths[i] * size, widths[i] * size, total * size);
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let o = dst + r * total;
    for (let i = 0; i < srcs.length; i++) {
      const w = widths[i];
      const s = srcs[i] + r * w;
      heap.copyWithin(o, s, s + w);
      o += w;
    }
  }
  return out;
}

export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: "wasm",
  kernelFunc: concat as unknown as tf.KernelFunc,
};
