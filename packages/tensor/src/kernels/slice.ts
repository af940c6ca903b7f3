// Slice (also behind SplitV, hence behind the gradient of every concatenation). Stock wasm
// first copies the *whole* input out of the wasm heap (readSync) for every slice: 4 ms to
// take half of a [64,64,128] tensor. Here the copy runs between views of the heap, after
// merging trailing dims that are taken whole, so each contiguous run is copied once.
import * as tf from "@tensorflow/tfjs";
import { heapSimd } from "./heap_simd";
import { callKernelFunc, heapElems, type KernelArgs } from "./wasm_ops";

let stockSlice: tf.KernelConfig | undefined;

export function setStockSlice(config: tf.KernelConfig | undefined): void {
  stockSlice = config;
}

export function slice(args: KernelArgs<tf.SliceAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === "string") {
    if (stockSlice === undefined) throw new Error("Slice: string tensors need the stock wasm Slice kernel");
    return callKernelFunc(stockSlice.kernelFunc, backend, inputs, attrs as unknown as Record<string, unknown>);
  }
  const [begin0, size0] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  const out = backend.makeOutput(size0, x.dtype);
  if (tf.util.sizeFromShape(size0) === 0) return out;
  // Heap views taken after makeOutput: an allocation may grow (and detach) the heap.
  const { heap, offset: src } = heapElems(backend, x);
  const dst = heapElems(backend, out).offset;

  const shape = x.shape.slice();
  const begin = begin0.slice();
  const size = size0.slice();
  while (shape.length > 1 && begin[shape.length - 1] === 0 && size[shape.length - 1] === shape[shape.length - 1]) {
    const inner = shape.pop() as number;
    begin.pop();
    size.pop();
    const r = shape.length - 1;
    shape[r] *= inner;
    begin[r] *= inner;
    size[r] *= inner;
  }
  // A leading dim taken whole folds into the one before it (SplitV of [64,64,72] along the
  // last axis is 4096 rows of one 2D slice).
  while (shape.length > 2 && begin[1] === 0 && size[1] === shape[1]) {
    const inner = shape[1];
    shape.splice(0, 2, shape[0] * inner);
    begin.splice(0, 2, begin[0] * inner);
    size.splice(0, 2, size[0] * inner);
  }
  const rank = shape.length;
  const run = size[rank - 1];
  const strides = tf.util.computeStrides(shape);
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const runs = tf.util.sizeFromShape(size) / run;
  const k = rank === 2 ? heapSimd(backend) : null;
  if (k !== null) {
    // rows of a 2D view (SplitV along the last axis): one wasm call instead of a copyWithin each
    const b = heap.BYTES_PER_ELEMENT;
    k.copyRows((src + begin[0] * strides[0] + begin[1]) * b, dst * b, runs, run * b, strides[0] * b, run * b);
    return out;
  }
  for (let n = 0, o = 0; n < runs; n++, o += run) {
    let s = src + begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) s += (begin[d] + idx[d]) * strides[d];
    heap.copyWithin(dst + o, s, s + run);
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: "wasm",
  kernelFunc: slice as unknown as tf.KernelFunc,
};
