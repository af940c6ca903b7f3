// Kernel threads for the heap GEMMs (Node only). tfjs-backend-wasm runs on one thread in
// Node, so a dense layer's products used one core of many. Here a big product is cut into
// bands of output rows: this thread computes the first, each helper thread another. Where the
// wasm heap is shared (shared_heap.ts, the default in Node) the helpers link to the heap
// itself and compute their bands in place; otherwise each works on its own shared memory
// holding a copy of what its band reads, and this thread, which does the copies, keeps the
// smaller band (at the U-Net's widths copying a band's operands costs about a third of
// computing it). A helper's band comes in chunks that both sides claim from one counter: a
// helper that wakes late, or that the OS does not schedule (a busy machine), loses its chunks
// to this thread, which computes them on the heap from the originals, so a step is never held
// up by a helper it could do without. Every output element is still one call of the same
// kernel summing in the same order: the same bits as one thread. Products too small to repay
// a hand-over stay whole.
import { InputError } from "@ghmkit/ghm";
import { availableParallelism } from "node:os";
import * as wt from "node:worker_threads";
import { checkKernelThreads, type GemmSplitter, setGemmSplitter } from "./kernels/gemm_split";
import { type HeapSimd, isFused, sharedHeapModule } from "./kernels/heap_simd";
import { fusedSharedHeapModule } from "./kernels/gemm_fma";
import type { HeapMemory } from "./kernels/wasm_ops";

/**
 * Multiply-adds per band below which a product is not cut further, on the shared heap (about
 * 17 us of one thread's work here): a hand-over there costs a few atomic writes and, with the
 * helper spinning, a wake-up of a few microseconds. Alternating blocks of steps, two threads
 * against one: with 2^22 the d = 64 U-Net step 1.09-1.19x (27 products cut) and the d = 8 step
 * 1.00x (none), with 2^19 1.17-1.25x and 1.02-1.10x, with 2^18 1.22-1.29x and 1.03-1.17x, with
 * 2^17 1.00-1.28x and 1.07-1.09x.
 */
export const MIN_MACS_PER_BAND = 1 << 18;
/**
 * The same where the helpers work on copies (a heap that is not shared): a band there also
 * costs copying what it reads, and with 2^19 the d = 8 step gained nothing (0.95x).
 */
export const MIN_MACS_PER_COPIED_BAND = 1 << 22;
/** A helper's band is claimed in chunks of at least this many multiply-adds (and 4 rows). */
const MIN_MACS_PER_CHUNK = 1 << 17;
/**
 * What copying one float into a helper's memory (and back) costs in multiply-adds of the
 * kernels: memcpy moves about 1 float/ns here, the kernels do about 15 multiply-adds/ns.
 */
const COPY_COST = 15;
/** At most this many chunks per band (each has an owner slot in ctrl). */
const MAX_CHUNKS = 16;
/** Bytes one helper's memory may grow to; a product that needs more runs whole. */
const MAX_HELPER_BYTES = 1 << 30;
/** How long this thread waits for a helper's chunk before declaring it dead (ms). */
const HELPER_TIMEOUT_MS = 120_000;
/** Default thread count cap for "auto": more bands means more serial copying here. */
const AUTO_MAX = 4;

// ctrl slots (an Int32Array on a SharedArrayBuffer, one per helper)
const SEQ = 0; // bumped by this thread to post a job
const OP = 1; // 1 gemmNN, 2 gemmTN, 0 exit
const NEXT = 2; // (job tag << 16) | next unclaimed chunk: claims are checked against the tag
const FIN = 3; // chunks the helper finished in this job
const STATUS = 4; // 0 ok, 1 a kernel threw
const ROWS = 5; // rows of the band
const CHUNK_ROWS = 6; // rows per chunk (the last may have fewer)
const CHUNKS = 7; // chunks in the band
const X = 8; // kernel arguments: a, b, bias, c, K (nn) or P (tn), N, lda (tn)
const FUSED = 15; // 1: the module whose multiply-adds fuse (as this thread's kernels do now)
const OWN = 16; // OWN + chunk: the tag of the job in which the helper computed it
const CTRL_INTS = OWN + MAX_CHUNKS;
/** How long a helper spins for the next job before it sleeps (see HELPER_SOURCE). */
const SPIN_MS = 2;
/**
 * How long this thread spins for the chunks a helper is still computing before it sleeps: a
 * chunk takes microseconds, and a sleeping thread's wake-up tens of them (on two threads against
 * one, six in-process runs each: the d = 8 step 0.97-1.21x, mean 1.09x, spinning 1 ms;
 * 1.01-1.08x, mean 1.04x, sleeping at once).
 */
const COLLECT_SPIN_MS = 1;
/** The helpers' nice value (see HELPER_SOURCE). */
const HELPER_NICE = 10;

// The helper. It lowers its priority where Linux allows (nice HELPER_NICE): woken by this
// thread's hand-over at the same priority, it would often preempt this thread on its own
// core instead of taking the idle one (the same effect @ghmkit/train's prefetch worker
// measured: Atomics.notify taking 0.6 ms), and this thread takes back what it has not
// claimed anyway. It spins up to SPIN_MS after each job, then sleeps in Atomics.wait. In the
// d = 64 U-Net step, with the helper asleep between products, its wake-up took 31 us at the
// median but 421 us at the 90th percentile, and in over a tenth of the products it had not
// woken when this thread had done all the work (a 2-vCPU VM's idle vCPU is slow to come back);
// spinning 2 ms the median was 2 us, the 90th percentile 85 us, and the step 1.13-1.22x on two
// threads against one (0.5 and 5 ms: the same within noise), against 1.02-1.11x spinning ~20 us.
// The spin is the price of that: a core kept busy for 2 ms after each product, as OpenMP and
// OpenBLAS do with their own spin-waits.
// Every shared slot is read and written with Atomics (one total order): this thread closes
// the counter under the next job's tag before it writes that job's arguments, and a helper
// claims a chunk only while the counter carries the tag of the job whose arguments it read,
// so a helper that read some of the next job's arguments finds its tag gone and claims nothing.
const HELPER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, fusedModule, memory, ctrl, nice } = workerData;
try {
  const tid = Number(/task\\/(\\d+)$/.exec(require("node:fs").readlinkSync("/proc/thread-self"))?.[1]);
  if (nice > 0 && Number.isInteger(tid)) require("node:os").setPriority(tid, nice);
} catch {}
const plain = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fused = fusedModule === null ? null : new WebAssembly.Instance(fusedModule, { env: { memory } }).exports;
let seen = 0;
for (;;) {
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctrl, ${SEQ}) === seen && performance.now() < until);
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  const op = Atomics.load(ctrl, ${OP});
  if (op === 0) break;
  const tag = seen & 0x7fff;
  const at = (i) => Atomics.load(ctrl, i);
  const n = at(${CHUNKS}), per = at(${CHUNK_ROWS}), total = at(${ROWS});
  const a = at(${X}), b = at(${X + 1}), bias = at(${X + 2}), c = at(${X + 3});
  const K = at(${X + 4}), N = at(${X + 5}), lda = at(${X + 6});
  const k = at(${FUSED}) === 1 ? fused : plain;
  for (;;) {
    const v = Atomics.load(ctrl, ${NEXT});
    if (v >>> 16 !== tag || (v & 0xffff) >= n) break;
    if (Atomics.compareExchange(ctrl, ${NEXT}, v, v + 1) !== v) continue;
    const r0 = (v & 0xffff) * per;
    const rows = Math.min(per, total - r0);
    try {
      if (op === 1) k.gemmNN(a + 4 * r0 * K, b, bias, c + 4 * r0 * N, rows, K, N);
      else k.gemmTN(a + 4 * r0, b, c + 4 * r0 * N, K, rows, N, lda);
    } catch {
      Atomics.store(ctrl, ${STATUS}, 1);
    }
    Atomics.store(ctrl, ${OWN} + (v & 0xffff), tag);
    Atomics.add(ctrl, ${FIN}, 1);
    Atomics.notify(ctrl, ${FIN});
  }
}
`;

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: true }) => SharedMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Helper {
  worker: wt.Worker;
  /** The heap itself (in place) or the helper's own memory. */
  memory: SharedMemory;
  ctrl: Int32Array;
  seq: number;
  /** Whether it was started with the fused kernels too. */
  fused: boolean;
}

/** A band handed to a helper: rows [r0, r0 + rows) of the output, in `chunks` chunks of `per` rows. */
interface Band {
  helper: Helper;
  r0: number;
  rows: number;
  per: number;
  chunks: number;
  /** Where the helper's copy of the band's output starts in its memory (bytes); null: in place on the heap. */
  cAt: number | null;
}

/** Round up to 64 bytes, so every operand starts on a cache line. */
const up64 = (n: number): number => Math.ceil(n / 64) * 64;

class KernelThreads implements GemmSplitter {
  private helpers: Helper[] = [];
  /** The shared heap the helpers are linked to, or null: each has a memory of its own. */
  private linkedTo: SharedMemory | null = null;
  private broken = false;
  /** Threads a product may use, this one included (helpers beyond threads - 1 stay asleep). */
  threads = 1;
  /** Products shared so far, and of their helpers' chunks how many the helpers computed and how many this thread took back. */
  readonly stats = { products: 0, helperChunks: 0, takenBack: 0 };

  /** Bands of at least 4 rows (the kernels' block) and MIN_MACS_PER_BAND (MIN_MACS_PER_COPIED_BAND) multiply-adds. */
  private bands(macs: number, rows: number, inPlace: boolean): number {
    if (this.broken || this.threads < 2) return 1;
    const min = inPlace ? MIN_MACS_PER_BAND : MIN_MACS_PER_COPIED_BAND;
    return Math.max(1, Math.min(this.threads, Math.floor(macs / min), Math.floor(rows / 4)));
  }

  /**
   * Row where band j of `parts` starts (multiples of 4; rows % 4 = 0): band 0, this thread's,
   * holds `mine` of the rows, the helpers' bands share the rest equally.
   */
  private static cut(rows: number, parts: number, j: number, mine: number): number {
    if (j === 0) return 0;
    if (j >= parts) return rows;
    const first = Math.min(rows - 4 * (parts - 1), Math.max(4, Math.round((mine * rows) / 4) * 4));
    return first + Math.floor(((rows - first) / 4) * ((j - 1) / (parts - 1))) * 4;
  }

  /**
   * This thread's share of a product's rows so that it finishes with the helpers: it also does
   * the copies, `copy` (per row of a helper's band, in units of that row's compute; `fixed`: the
   * same for copies that do not depend on the band) while each of the `h` helpers computes its
   * band. Between 0.1 and 0.5; chunks a helper has not claimed come back here anyway.
   */
  private static share(h: number, copy: number, fixed: number): number {
    const f = (1 / h - copy - fixed) / (1 - copy + 1 / h);
    return Math.min(0.5, Math.max(0.1, f));
  }

  /**
   * Helper h (1-based), started and grown to `bytes`, or null when that fails (then nothing
   * splits) or when the product's multiply-adds fuse and the helper has no fused kernels.
   */
  private helper(h: number, bytes: number, fused: boolean): Helper | null {
    if (bytes > MAX_HELPER_BYTES) return null;
    const heap = this.linkedTo;
    let helper = this.helpers[h - 1];
    if (helper === undefined) {
      const mod = sharedHeapModule();
      if (mod === null || WA === undefined) return this.fail();
      const fusedModule = fusedSharedHeapModule();
      try {
        const memory = heap ?? new WA.Memory({ initial: 1, maximum: MAX_HELPER_BYTES / 65536, shared: true });
        const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4));
        const worker = new wt.Worker(HELPER_SOURCE, {
          eval: true,
          workerData: { module: mod, fusedModule, memory, ctrl, nice: HELPER_NICE },
        });
        worker.unref(); // never keeps the process alive
        worker.on("error", () => {
          this.broken = true;
        });
        helper = { worker, memory, ctrl, seq: 0, fused: fusedModule !== null };
        this.helpers[h - 1] = helper;
      } catch {
        return this.fail();
      }
    }
    if (fused && !helper.fused) return null;
    if (heap !== null) return helper;
    const have = helper.memory.buffer.byteLength;
    try {
      if (bytes > have) helper.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null; // no memory for this band: the product runs here, whole or with the bands already handed over
    }
    return helper;
  }

  /**
   * Whether this product runs in place: the heap is shared. Helpers linked to another memory
   * than this product's (a heap of its own, or an earlier backend's) are stopped first.
   */
  private inPlace(memory: HeapMemory): boolean {
    const heap = memory.buffer instanceof SharedArrayBuffer ? (memory as SharedMemory) : null;
    if (heap !== this.linkedTo) {
      for (const helper of this.helpers) void helper.worker.terminate();
      this.helpers = [];
      this.linkedTo = heap;
    }
    return heap !== null;
  }

  private fail(): null {
    this.broken = true;
    return null;
  }

  /**
   * Hand rows [r0, r0 + rows) to `helper` as chunks; `args` are the kernel's, in its memory,
   * for the band's first row (`perRowMacs` sizes the chunks; `fused`: run the fused kernels).
   */
  private post(
    helper: Helper,
    op: number,
    fused: boolean,
    r0: number,
    rows: number,
    perRowMacs: number,
    cAt: number | null,
    args: number[],
  ): Band {
    const ctrl = helper.ctrl;
    const want = Math.min(MAX_CHUNKS, rows / 4, Math.floor((rows * perRowMacs) / MIN_MACS_PER_CHUNK));
    const per = 4 * Math.ceil(rows / 4 / Math.max(1, want));
    const chunks = Math.ceil(rows / per);
    const seq = ++helper.seq;
    const tag = (seq & 0x7fff) << 16;
    Atomics.store(ctrl, NEXT, tag | 0xffff); // closed: no claim until the arguments are all in
    const put = (i: number, v: number): number => Atomics.store(ctrl, i, v);
    put(FIN, 0);
    put(STATUS, 0);
    put(OP, op);
    put(FUSED, fused ? 1 : 0);
    put(ROWS, rows);
    put(CHUNK_ROWS, per);
    put(CHUNKS, chunks);
    args.forEach((v, i) => put(X + i, v));
    for (let c = 0; c < chunks; c++) put(OWN + c, -1);
    Atomics.store(ctrl, NEXT, tag);
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
    return { helper, r0, rows, per, chunks, cAt };
  }

  /**
   * Take back the band's chunks the helper has not claimed (`run(r0, rows)` computes rows of
   * the output here), wait for those it did, and copy them into the heap (`out`, the
   * output's first float; rows of N floats).
   */
  private collect(band: Band, run: (r0: number, rows: number) => void, out: Float32Array, o: number, N: number): void {
    const { helper, chunks, per } = band;
    const { ctrl } = helper;
    let mine = 0;
    for (;;) {
      const c = Atomics.add(ctrl, NEXT, 1) & 0xffff;
      if (c >= chunks) break;
      run(band.r0 + c * per, Math.min(per, band.rows - c * per));
      mine++;
    }
    const theirs = chunks - mine;
    this.stats.helperChunks += theirs;
    this.stats.takenBack += mine;
    const t0 = Date.now();
    const spinUntil = performance.now() + COLLECT_SPIN_MS;
    for (let v = Atomics.load(ctrl, FIN); v < theirs; v = Atomics.load(ctrl, FIN)) {
      if (performance.now() < spinUntil) continue;
      Atomics.wait(ctrl, FIN, v, 1000);
      if (Date.now() - t0 > HELPER_TIMEOUT_MS) {
        this.broken = true;
        throw new Error(`a kernel thread did not finish its chunk within ${HELPER_TIMEOUT_MS / 1000} s`);
      }
    }
    if (Atomics.load(ctrl, STATUS) !== 0) {
      this.broken = true;
      throw new Error("a kernel thread's GEMM failed");
    }
    if (theirs === 0 || band.cAt === null) return;
    const cAt = band.cAt;
    const tag = helper.seq & 0x7fff;
    const mem = new Float32Array(helper.memory.buffer);
    for (let c = 0; c < chunks; c++) {
      if (Atomics.load(ctrl, OWN + c) !== tag) continue;
      const r = c * per;
      const n = Math.min(per, band.rows - r) * N;
      out.set(mem.subarray(cAt / 4 + r * N, cAt / 4 + r * N + n), o + (band.r0 + r) * N);
    }
  }

  /**
   * The rest of a product whose `bands` are handed over: this thread's band (rows up to the
   * first handed-over one, all M if none was), then each helper's band (collect), then rows
   * after the last band, left when a later helper could not start. `here(r0, rows)` computes
   * rows on the heap; `o` is the output's first float there.
   */
  private runBands(
    bands: Band[],
    here: (r0: number, rows: number) => void,
    out: Float32Array,
    o: number,
    M: number,
    N: number,
  ): void {
    if (bands.length > 0) this.stats.products++;
    here(0, bands.length > 0 ? bands[0].r0 : M);
    for (const band of bands) this.collect(band, here, out, o, N);
    const last = bands.length > 0 ? bands[bands.length - 1].r0 + bands[bands.length - 1].rows : M;
    if (last < M) here(last, M - last);
  }

  /**
   * Hand the helpers their bands of a product on the shared heap: equal bands (no copies to
   * make here), `args(r0)` the kernel's arguments for a band from row r0 (`perRowMacs` sizes
   * the chunks; `op` 1 gemmNN, 2 gemmTN).
   */
  private inPlaceBands(
    parts: number,
    M: number,
    perRowMacs: number,
    fused: boolean,
    op: number,
    args: (r0: number) => number[],
  ): Band[] {
    const bands: Band[] = [];
    const mine = KernelThreads.share(parts - 1, 0, 0);
    for (let j = 1; j < parts; j++) {
      const r0 = KernelThreads.cut(M, parts, j, mine);
      const rows = KernelThreads.cut(M, parts, j + 1, mine) - r0;
      const helper = this.helper(j, 0, fused);
      if (helper === null) break;
      bands.push(this.post(helper, op, fused, r0, rows, perRowMacs, null, args(r0)));
    }
    return bands;
  }

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
  ): boolean {
    const inPlace = this.inPlace(heap);
    const parts = this.bands(M * K * N, M, inPlace);
    if (parts < 2) return false;
    const src = new Float32Array(heap.buffer);
    const fused = isFused(k);
    const here = (r0: number, rows: number): void => k.gemmNN(a + 4 * r0 * K, b, bias, c + 4 * r0 * N, rows, K, N);
    if (inPlace) {
      const bands = this.inPlaceBands(parts, M, K * N, fused, 1, (r0) => [
        a + 4 * r0 * K,
        b,
        bias,
        c + 4 * r0 * N,
        K,
        N,
        0,
      ]);
      this.runBands(bands, here, src, c / 4, M, N);
      return true;
    }
    // Helper memory: [64: bias][b][a's band][c's band] (address 0 means "no bias" to the kernel).
    const biasAt = 64;
    const bAt = up64(biasAt + 4 * N);
    const bands: Band[] = [];
    // Per helper row: K floats in and N out against K N multiply-adds.
    const mine = KernelThreads.share(parts - 1, (COPY_COST * (K + N)) / (K * N), 0);
    for (let j = 1; j < parts; j++) {
      const r0 = KernelThreads.cut(M, parts, j, mine);
      const rows = KernelThreads.cut(M, parts, j + 1, mine) - r0;
      const aAt = up64(bAt + 4 * K * N);
      const cAt = up64(aAt + 4 * rows * K);
      const helper = this.helper(j, cAt + 4 * rows * N, fused);
      if (helper === null) break;
      const dst = new Float32Array(helper.memory.buffer);
      if (bias !== 0) dst.set(src.subarray(bias / 4, bias / 4 + N), biasAt / 4);
      dst.set(src.subarray(b / 4, b / 4 + K * N), bAt / 4);
      dst.set(src.subarray(a / 4 + r0 * K, a / 4 + (r0 + rows) * K), aAt / 4);
      bands.push(this.post(helper, 1, fused, r0, rows, K * N, cAt, [aAt, bAt, bias === 0 ? 0 : biasAt, cAt, K, N, 0]));
    }
    this.runBands(bands, here, src, c / 4, M, N);
    return true;
  }

  tn(k: HeapSimd, heap: HeapMemory, a: number, b: number, c: number, P: number, M: number, N: number): boolean {
    const inPlace = this.inPlace(heap);
    const parts = this.bands(P * M * N, M, inPlace);
    if (parts < 2) return false;
    const src = new Float32Array(heap.buffer);
    const fused = isFused(k);
    const here = (i0: number, rows: number): void => k.gemmTN(a + 4 * i0, b, c + 4 * i0 * N, P, rows, N, M);
    if (inPlace) {
      // c is zero already (the caller's), as gemmTN accumulates into it.
      const bands = this.inPlaceBands(parts, M, P * N, fused, 2, (i0) => [a + 4 * i0, b, 0, c + 4 * i0 * N, P, N, M]);
      this.runBands(bands, here, src, c / 4, M, N);
      return true;
    }
    const aAt = 64;
    const bAt = up64(aAt + 4 * P * M);
    const cAt = up64(bAt + 4 * P * N);
    const bands: Band[] = [];
    // Each helper gets all of a and b, P (M + N) floats, whatever its band (a band of c's rows
    // reads a band of a's columns): against the product's P M N multiply-adds, a cost that
    // does not shrink with the band.
    const h = parts - 1;
    const mine = KernelThreads.share(h, 0, (h * COPY_COST * (M + N)) / (M * N));
    for (let j = 1; j < parts; j++) {
      const i0 = KernelThreads.cut(M, parts, j, mine);
      const rows = KernelThreads.cut(M, parts, j + 1, mine) - i0;
      const helper = this.helper(j, cAt + 4 * rows * N, fused);
      if (helper === null) break;
      const dst = new Float32Array(helper.memory.buffer);
      dst.set(src.subarray(a / 4, a / 4 + P * M), aAt / 4);
      dst.set(src.subarray(b / 4, b / 4 + P * N), bAt / 4);
      dst.fill(0, cAt / 4, cAt / 4 + rows * N);
      bands.push(this.post(helper, 2, fused, i0, rows, P * N, cAt, [aAt + 4 * i0, bAt, 0, cAt, P, N, M]));
    }
    this.runBands(bands, here, src, c / 4, M, N);
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

/**
 * Products shared across threads so far, and of the chunks handed to helpers how many they
 * computed and how many this thread took back (helpers that woke late or were not scheduled).
 */
export function kernelThreadStats(): { products: number; helperChunks: number; takenBack: number } {
  return { ...pool.stats };
}

/** initBackend's default: "auto" unless setKernelThreads chose already. */
export function defaultKernelThreads(): void {
  if (configured === undefined) setKernelThreads("auto");
}
