// SIMD loops (wasm/heap.wat) that work in place on tfjs-backend-wasm's heap: the module
// imports the backend's own memory, so tensors are read and written where they live, with
// no copies. Where it cannot link (no wasm SIMD, a shared-memory build, no exported memory)
// or is switched off (tests, benchmarks), the kernels keep their JS loops, which give the
// plain module's bits (the fused GEMMs of gemm_fma.ts have no JS twin).
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { fusedHeapModule, fusedSharedHeapModule, gemmFma } from "./gemm_fma";
import { HEAP_SHARED_WASM_BASE64, HEAP_WASM_BASE64 } from "./heap_wasm";
import { compileWasm, type WasmApi } from "./wasm_module";

export interface HeapSimd {
  /** dst[c*R + r] = src[r*C + c] for 4-byte elements; byte offsets. */
  transpose2d(src: number, dst: number, R: number, C: number): void;
  /** out[c] = float32 of the float64 sum of R rows of C float32s; acc: 8 C scratch bytes. */
  sumRows(src: number, acc: number, out: number, R: number, C: number): void;
  /**
   * c[M, N] += a[P, :M]^T b[P, N] with a's rows lda floats apart (lda = M: all of a), float32
   * row-major, M % 4 = 0, N % 8 = 0; byte offsets.
   */
  gemmTN(a: number, b: number, c: number, P: number, M: number, N: number, lda: number): void;
  /**
   * c[M, N] = bias[N] + a[M, K] b[K, N] (bias 0: none), float32 row-major, M % 4 = 0,
   * N % 8 = 0, K > 0; byte offsets.
   */
  gemmNN(a: number, b: number, bias: number, c: number, M: number, K: number, N: number): void;
  /** rows runs of `bytes` bytes, src rows `srcStride` bytes apart, dst rows `dstStride` apart. */
  copyRows(src: number, dst: number, rows: number, bytes: number, srcStride: number, dstStride: number): void;
  /** out[r*C + c] = a[r*C + c] == b[r] (bytes), float32 a [R, C], b [R]; byte offsets. */
  equalRows(a: number, b: number, out: number, R: number, C: number): void;
  /** out[i] = dy[i] * step(x[i]) (1 where x > 0, NaN where x is NaN, else 0), n float32s; byte offsets. */
  reluGrad(dy: number, x: number, out: number, n: number): void;
  /** out[r*C + c] = a[r*C + c] + b[c], float32, C % 4 = 0; byte offsets. */
  addRows(a: number, b: number, out: number, R: number, C: number): void;
  /** out[r*C + c] = max(a[r*C + c] + b[c], 0) (out may be a), float32, C % 4 = 0; byte offsets. */
  addRowsRelu(a: number, b: number, out: number, R: number, C: number): void;
  adam(
    x: number,
    m: number,
    v: number,
    g: number,
    x1: number,
    m1: number,
    v1: number,
    n: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    negLr: number,
    eps: number,
    k1: number,
    k2: number,
  ): void;
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let enabled = true;
let heapModule: object | null | undefined;
let sharedModule: object | null | undefined;

/** heap.wat importing a shared memory (kernel threads, a shared heap), or null where it does not compile. */
export function sharedHeapModule(): object | null {
  sharedModule ??= compileWasm(HEAP_SHARED_WASM_BASE64);
  return sharedModule;
}
/** Per backend heap: whether it is shared, and heap.wat linked to it, plain and (once asked for) fused. */
const linked = new WeakMap<
  object,
  { memory: unknown; shared: boolean; plain: HeapSimd | null; fused?: HeapSimd | null }
>();
const fusedInstances = new WeakSet<object>();

/** Turn the SIMD loops on or off (the JS loops otherwise); returns the previous setting. */
export function setHeapSimd(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function link(mod: object | null, memory: unknown): HeapSimd | null {
  if (mod === null || WA === undefined || !(memory instanceof WA.Memory)) return null;
  try {
    return new WA.Instance(mod, { env: { memory } }).exports as unknown as HeapSimd;
  } catch {
    return null;
  }
}

/**
 * The SIMD loops linked to this backend's heap, or null (use the JS loops): the module whose
 * GEMMs fuse their multiply-adds while gemmFma() is on (gemm_fma.ts), else the plain one.
 */
export function heapSimd(backend: BackendWasm): HeapSimd | null {
  if (!enabled) return null;
  const wasm = backend.wasm as unknown as { asm?: { memory?: unknown } };
  let k = linked.get(wasm);
  if (k === undefined) {
    const memory = wasm.asm?.memory;
    const shared = isSharedMemory(memory);
    if (!shared) heapModule ??= compileWasm(HEAP_WASM_BASE64);
    k = { memory, shared, plain: link(shared ? sharedHeapModule() : (heapModule ?? null), memory) };
    linked.set(wasm, k);
  }
  if (gemmFma() && k.plain !== null) {
    if (k.fused === undefined) {
      k.fused = link(k.shared ? fusedSharedHeapModule() : fusedHeapModule(), k.memory);
      if (k.fused !== null) fusedInstances.add(k.fused);
    }
    if (k.fused !== null) return k.fused;
  }
  return k.plain;
}

/** Whether `memory` is a WebAssembly.Memory on a SharedArrayBuffer (heap.wat must import it as shared). */
export function isSharedMemory(memory: unknown): boolean {
  return (
    WA !== undefined &&
    memory instanceof WA.Memory &&
    typeof SharedArrayBuffer !== "undefined" &&
    memory.buffer instanceof SharedArrayBuffer
  );
}

/** Whether `k`'s GEMMs fuse their multiply-adds (it came from heapSimd with gemmFma() on). */
export function isFused(k: HeapSimd): boolean {
  return fusedInstances.has(k);
}
