// The browser entry's kernel threads: none. A page would need Web Workers and
// cross-origin isolation for shared memory; the products there run on the calling thread.
// The same functions as the Node entry's (gemm_threads.ts), so code written for both runs.
import { checkKernelThreads } from "./kernels/gemm_split";

/** Accepted as in Node (n in [1, 256] or "auto") but a no-op here; returns the previous count, 1. */
export function setKernelThreads(n: number | "auto"): number {
  checkKernelThreads(n);
  return 1;
}

/** Always 1 in a browser. */
export function kernelThreads(): number {
  return 1;
}

/** Nothing is shared in a browser: all zero. */
export function kernelThreadStats(): { products: number; helperChunks: number; takenBack: number } {
  return { products: 0, helperChunks: 0, takenBack: 0 };
}

/** The wasm heap is never made shared in a browser (shared_heap.ts is Node's). */
export function heapShared(): boolean {
  return false;
}
