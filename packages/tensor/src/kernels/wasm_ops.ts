// Calling wasm kernels from inside other wasm kernels. Kernel functions work on TensorInfo
// (no engine bookkeeping): every intermediate they create must be released with
// `release`, or its wasm heap memory leaks outside `tf.memory()`.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type TensorInfo = tf.TensorInfo;

export interface KernelArgs<A> {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs: A;
}

/** Invoke the wasm kernel currently registered under `name`. */
export function callKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const config = tf.getKernel(name, "wasm");
  if (config === undefined) {
    throw new Error(`wasm kernel "${name}" is not registered; load @tensorflow/tfjs-backend-wasm first`);
  }
  return callKernelFunc(config.kernelFunc, backend, inputs, attrs);
}

export function callKernelFunc(
  kernelFunc: tf.KernelFunc,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
): TensorInfo {
  const out = kernelFunc({ inputs, backend, attrs } as unknown as Parameters<tf.KernelFunc>[0]);
  if (Array.isArray(out)) throw new Error("callKernel: expected a single output");
  return out as TensorInfo;
}

export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return callKernel(tf.Reshape, backend, { x }, { shape });
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return callKernel(tf.Transpose, backend, { x }, { perm });
}

/** Swap the last two axes (materialised, contiguous). */
export function transposeLast2(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(backend, x, perm);
}

export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A float32 view of a tensor's wasm heap memory; take it after any allocation. */
export function heapF32(backend: BackendWasm, x: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(x) as Float32Array;
}

/**
 * The whole wasm heap as elements of `dtype`'s width (4 bytes for float32/int32, 1 for
 * bool) and the tensor's offset in it: copies between tensors then go through
 * `copyWithin`, a memmove with no view allocated per run. Take it after any allocation.
 */
export function heapElems(backend: BackendWasm, x: TensorInfo): { heap: Int32Array | Uint8Array; offset: number } {
  const { memoryOffset } = backend.dataIdMap.get(x.dataId) as unknown as { memoryOffset: number };
  const buffer = heapBuffer(backend);
  if (x.dtype === "bool") return { heap: new Uint8Array(buffer), offset: memoryOffset };
  return { heap: new Int32Array(buffer), offset: memoryOffset / 4 };
}

/** The wasm heap's current buffer (it is replaced when the heap grows: take it after any allocation). */
export function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
}

/** The backend's wasm memory (its `buffer` is heapBuffer's). */
export function heapMemory(backend: BackendWasm): HeapMemory {
  return (backend.wasm as unknown as { asm: { memory: HeapMemory } }).asm.memory;
}

/** A WebAssembly.Memory, as far as the kernels use it. */
export interface HeapMemory {
  readonly buffer: ArrayBufferLike;
}

/** Where a tensor's data starts in the wasm heap, in bytes. */
export function byteOffset(backend: BackendWasm, x: TensorInfo): number {
  return (backend.dataIdMap.get(x.dataId) as unknown as { memoryOffset: number }).memoryOffset;
}
