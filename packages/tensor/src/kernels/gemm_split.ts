// The hook through which the heap GEMMs share one product with other threads. The kernels
// live in both entries, threads only in Node: the Node entry installs an implementation
// (../gemm_threads.ts), the browser entry none, and then every product runs whole here.
import { InputError } from "@ghmkit/ghm";
import type { HeapSimd } from "./heap_simd";
import type { HeapMemory } from "./wasm_ops";

/**
 * Runs part of a product on other threads and the rest on this one through `k`, each
 * output element by the same kernel in the same order as a whole call (so the same bits).
 * Each method returns false, having done nothing, where it will not split (a product too
 * small to repay the hand-over, or no threads): the caller then runs the product whole.
 * Offsets are bytes into `heap`, the wasm memory `k` works on.
 */
export interface GemmSplitter {
  /** c[M, N] = bias[N] + a[M, K] b[K, N] (bias 0: none), as HeapSimd.gemmNN. */
  nn(
    k: HeapSimd,
    heap: HeapMemory,
    a: number,
    b: number,
    bias: number,
    c: number,
    M: number,
    K: number,
    N: number,
  ): boolean;
  /** c[M, N] += a[P, M]^T b[P, N], as HeapSimd.gemmTN with lda = M. */
  tn(k: HeapSimd, heap: HeapMemory, a: number, b: number, c: number, P: number, M: number, N: number): boolean;
}

let splitter: GemmSplitter | null = null;

/** Install (or, with null, remove) the splitter the heap GEMMs consult; returns the previous one. */
export function setGemmSplitter(s: GemmSplitter | null): GemmSplitter | null {
  const was = splitter;
  splitter = s;
  return was;
}

export function gemmSplitter(): GemmSplitter | null {
  return splitter;
}

/** setKernelThreads' argument check, the same in both entries. */
export function checkKernelThreads(n: number | "auto"): void {
  if (n !== "auto" && (!Number.isInteger(n) || n < 1 || n > 256))
    throw new InputError(
      "kernel threads",
      `expected an integer in [1, 256] or "auto", got ${n}`,
      "pass a thread count",
    );
}
