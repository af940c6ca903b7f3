// Kernel threads for the heap GEMMs (Node only). tfjs-backend-wasm runs on one thread in
// Node, so a dense layer's products used one core of many. Here a big product is cut into
// bands of output rows: this thread computes the first on the wasm heap, helper threads the
// others, each on its own shared wasm memory holding a copy of what its band reads (the heap
// itself is not shared, so it cannot be read from another thread). Every output element is
// still one call of the same kernel summing in the same order: the same bits as one thread.
// The copies cost about one pass over the operands, a few percent of the multiply-adds at the
// U-Net's widths; products too small to repay them and the hand-over stay whole.
import { InputError } from "@ghmkit/ghm";
import { availableParallelism } from "node:os";
import * as wt from "node:worker_threads";
import { checkKernelThreads, type GemmSplitter, setGemmSplitter } from "./kernels/gemm_split";
import type { HeapSimd } from "./kernels/heap_simd";
import { HEAP_SHARED_WASM_BASE64 } from "./kernels/heap_wasm";

/**
 * Multiply-adds per band below which a product is not cut further: a hand-over (copies,
 * a futex wake, the wait) costs tens of microseconds, 2^19 multiply-adds about 35 us here.
 */
export const MIN_MACS_PER_BAND = 1 << 19;
/** Bytes one helper's memory may grow to; a product that needs more runs whole. */
const MAX_HELPER_BYTES = 1 << 30;
/** How long this thread waits for a helper's band before declaring it dead (ms). */
const HELPER_TIMEOUT_MS = 120_000;
/** Default thread count cap for "auto": more bands means more serial copying here. */
const AUTO_MAX = 4;

// ctrl slots (Int32Array on a SharedArrayBuffer, one per helper)
const SEQ = 0; // bumped by this thread to post a job
const DONE = 1; // set to SEQ by the helper when the job is finished
const OP = 2; // 1 gemmNN, 2 gemmTN, 0 exit
const ARGS = 3; // seven kernel arguments
const STATUS = 10; // 0 ok, 1 the kernel threw

// The helper spins ~20 us after each job (products often come back to back), then sleeps in
// Atomics.wait: a wake-up and the answer took 16 us (median round trip) on the 2-vCPU VM,
// so a longer spin would burn a core that data generation and other work could use.
const HELPER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctrl } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
let seq = 0;
for (;;) {
  for (let spin = 0; spin < 1000 && Atomics.load(ctrl, ${SEQ}) === seq; spin++);
  Atomics.wait(ctrl, ${SEQ}, seq);
  seq = Atomics.load(ctrl, ${SEQ});
  const op = ctrl[${OP}];
  if (op === 0) break;
  const a = ctrl.subarray(${ARGS}, ${ARGS + 7});
  try {
    if (op === 1) k.gemmNN(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    else k.gemmTN(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    ctrl[${STATUS}] = 0;
  } catch {
    ctrl[${STATUS}] = 1;
  }
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum: number; shared: true }) => SharedMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Helper {
  worker: wt.Worker;
  memory: SharedMemory;
  ctrl: Int32Array;
  seq: number;
}

let sharedModule: object | null | undefined;

function compiledShared(): object | null {
  if (sharedModule === undefined) {
    try {
      if (WA === undefined) throw new Error("no WebAssembly");
      sharedModule = new WA.Module(Buffer.from(HEAP_SHARED_WASM_BASE64, "base64"));
    } catch {
      sharedModule = null; // no wasm threads or SIMD here: products stay whole
    }
  }
  return sharedModule;
}

/** Round up to 64 bytes, so every operand starts on a cache line. */
const up64 = (n: number): number => Math.ceil(n / 64) * 64;

class KernelThreads implements GemmSplitter {
  private readonly helpers: Helper[] = [];
  /** Products shared so far (tests check that a split really happened). */
  splits = 0;
  private broken = false;

  /** Threads a product may use, this one included (helpers beyond threads - 1 stay asleep). */
  threads = 1;

  /** Bands of at least 4 rows (the kernels' block) and MIN_MACS_PER_BAND multiply-adds. */
  private bands(macs: number, rows: number): number {
    if (this.broken) return 1;
    return Math.max(1, Math.min(this.threads, Math.floor(macs / MIN_MACS_PER_BAND), Math.floor(rows / 4)));
  }

  /** Row where band j of `parts` starts (multiples of 4; rows % 4 = 0). */
  private static cut(rows: number, parts: number, j: number): number {
    return j >= parts ? rows : Math.floor((rows / 4) * (j / parts)) * 4;
  }

  /** Helper h (1-based), started and grown to `bytes`, or null when that fails (then nothing splits). */
  private helper(h: number, bytes: number): Helper | null {
    if (bytes > MAX_HELPER_BYTES) return null;
    let helper = this.helpers[h - 1];
    if (helper === undefined) {
      const mod = compiledShared();
      if (mod === null || WA === undefined) return this.fail();
      try {
        const memory = new WA.Memory({ initial: 1, maximum: MAX_HELPER_BYTES / 65536, shared: true });
        const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
        const worker = new wt.Worker(HELPER_SOURCE, { eval: true, workerData: { module: mod, memory, ctrl } });
        worker.unref(); // never keeps the process alive
        worker.on("error", () => {
          this.broken = true;
        });
        helper = { worker, memory, ctrl, seq: 0 };
        this.helpers[h - 1] = helper;
      } catch {
        return this.fail();
      }
    }
    const have = helper.memory.buffer.byteLength;
    if (bytes > have) helper.memory.grow(Math.ceil((bytes - have) / 65536));
    return helper;
  }

  private fail(): null {
    this.broken = true;
    return null;
  }

  private post(helper: Helper, op: number, args: number[]): void {
    helper.ctrl.set(args, ARGS);
    helper.ctrl[OP] = op;
    Atomics.store(helper.ctrl, SEQ, ++helper.seq);
    Atomics.notify(helper.ctrl, SEQ);
  }

  private wait(helper: Helper): void {
    const { ctrl, seq } = helper;
    const t0 = Date.now();
    for (let v = Atomics.load(ctrl, DONE); v !== seq; v = Atomics.load(ctrl, DONE)) {
      Atomics.wait(ctrl, DONE, v, 1000);
      if (Date.now() - t0 > HELPER_TIMEOUT_MS) {
        this.broken = true;
        throw new Error(`a kernel thread did not finish its band within ${HELPER_TIMEOUT_MS / 1000} s`);
      }
    }
    if (ctrl[STATUS] !== 0) {
      this.broken = true;
      throw new Error("a kernel thread's GEMM failed");
    }
  }

  nn(
    k: HeapSimd,
    heap: ArrayBufferLike,
    a: number,
    b: number,
    bias: number,
    c: number,
    M: number,
    K: number,
    N: number,
  ): boolean {
    const parts = this.bands(M * K * N, M);
    if (parts < 2) return false;
    const src = new Float32Array(heap);
    // Helper memory: [64: bias][b][a's band][c's band] (address 0 means "no bias" to the kernel).
    const biasAt = 64;
    const bAt = up64(biasAt + 4 * N);
    const used: [Helper, number, number, number][] = [];
    for (let j = 1; j < parts; j++) {
      const r0 = KernelThreads.cut(M, parts, j);
      const rows = KernelThreads.cut(M, parts, j + 1) - r0;
      const aAt = up64(bAt + 4 * K * N);
      const cAt = up64(aAt + 4 * rows * K);
      const helper = this.helper(j, cAt + 4 * rows * N);
      if (helper === null) break;
      const dst = new Float32Array(helper.memory.buffer);
      if (bias !== 0) dst.set(src.subarray(bias / 4, bias / 4 + N), biasAt / 4);
      dst.set(src.subarray(b / 4, b / 4 + K * N), bAt / 4);
      dst.set(src.subarray(a / 4 + r0 * K, a / 4 + (r0 + rows) * K), aAt / 4);
      this.post(helper, 1, [aAt, bAt, bias === 0 ? 0 : biasAt, cAt, rows, K, N]);
      used.push([helper, r0, rows, cAt]);
    }
    if (used.length > 0) this.splits++;
    // This thread takes rows [0, first handed-over row): all of them if no helper started.
    k.gemmNN(a, b, bias, c, used.length > 0 ? used[0][1] : M, K, N);
    for (const [helper, r0, rows, cAt] of used) {
      this.wait(helper);
      src.set(new Float32Array(helper.memory.buffer, cAt, rows * N), c / 4 + r0 * N);
    }
    const last = used.length > 0 ? used[used.length - 1][1] + used[used.length - 1][2] : M;
    if (last < M) k.gemmNN(a + 4 * last * K, b, bias, c + 4 * last * N, M - last, K, N);
    return true;
  }

  tn(k: HeapSimd, heap: ArrayBufferLike, a: number, b: number, c: number, P: number, M: number, N: number): boolean {
    const parts = this.bands(P * M * N, M);
    if (parts < 2) return false;
    const src = new Float32Array(heap);
    // Each helper needs all of a and b (a band of c's rows reads a band of a's columns).
    const aAt = 64;
    const bAt = up64(aAt + 4 * P * M);
    const cAt = up64(bAt + 4 * P * N);
    const used: [Helper, number, number][] = [];
    for (let j = 1; j < parts; j++) {
      const i0 = KernelThreads.cut(M, parts, j);
      const rows = KernelThreads.cut(M, parts, j + 1) - i0;
      const helper = this.helper(j, cAt + 4 * rows * N);
      if (helper === null) break;
      const dst = new Float32Array(helper.memory.buffer);
      dst.set(src.subarray(a / 4, a / 4 + P * M), aAt / 4);
      dst.set(src.subarray(b / 4, b / 4 + P * N), bAt / 4);
      dst.fill(0, cAt / 4, cAt / 4 + rows * N);
      this.post(helper, 2, [aAt + 4 * i0, bAt, cAt, P, rows, N, M]);
      used.push([helper, i0, rows]);
    }
    if (used.length > 0) this.splits++;
    // This thread takes rows [0, first handed-over row): all of them if no helper started.
    const mine = used.length > 0 ? used[0][1] : M;
    k.gemmTN(a, b, c, P, mine, N, M);
    for (const [helper, i0, rows] of used) {
      this.wait(helper);
      src.set(new Float32Array(helper.memory.buffer, cAt, rows * N), c / 4 + i0 * N);
    }
    // Bands after a helper that failed to start: computed here, in place, from their rows of a.
    const last = used.length > 0 ? used[used.length - 1][1] + used[used.length - 1][2] : M;
    if (last < M) k.gemmTN(a + 4 * last, b, c + 4 * last * N, P, M - last, N, M);
    return true;
  }

}

// One pool for the process: its helpers, once started, are kept across count changes (a
// benchmark alternating 1 and 2 threads must not start a thread per step).
const pool = new KernelThreads();
let configured: number | "auto" | undefined;

/** The count "auto" gives here: GHM_KERNEL_THREADS if set, else the cores (at most 4). */
function autoThreads(): number {
  const raw = process.env.GHM_KERNEL_THREADS?.trim().toLowerCase();
  if (raw !== undefined && raw !== "" && raw !== "auto") {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1 && n <= 256) return n;
    throw new InputError(
      "GHM_KERNEL_THREADS",
      `expected an integer in [1, 256] or auto, got "${raw}"`,
      "fix it, or unset it",
    );
  }
  return Math.max(1, Math.min(AUTO_MAX, availableParallelism()));
}

/**
 * Threads the wasm backend's matrix products may use (this one included): n, or "auto"
 * (GHM_KERNEL_THREADS, else the cores, at most 4); 1 keeps every product on this thread.
 * The results are the same bits for every count. Helper threads start on the first product
 * big enough to share and never keep the process alive. Returns the previous count.
 */
export function setKernelThreads(n: number | "auto"): number {
  checkKernelThreads(n);
  const was = pool.threads;
  pool.threads = n === "auto" ? autoThreads() : n;
  configured = n;
  setGemmSplitter(pool.threads > 1 ? pool : null);
  return was;
}

/** The threads the wasm matrix products use now (1 until initBackend or setKernelThreads). */
export function kernelThreads(): number {
  return pool.threads;
}

/** Products shared across threads so far (for tests). */
export function sharedProducts(): number {
  return pool.splits;
}

/** initBackend's default: "auto" unless setKernelThreads chose already. */
export function defaultKernelThreads(): void {
  if (configured === undefined) setKernelThreads("auto");
}
