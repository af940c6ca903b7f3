/**
 * The worker_threads pool behind runBP's `threads` option. The batch is cut into one
 * contiguous range of whole sequences per thread (the calling thread takes the first);
 * every thread runs the same runRows into shared output arrays, and each row is
 * computed on its own, so the result is bit-identical to one thread. The caller blocks
 * in Atomics.wait until every range is done, so runBP stays synchronous. Node only:
 * where worker_threads is missing (a browser bundle) runBP runs on one thread.
 */
import type { Evidence } from "@ghmkit/ghm";
import type { CompiledGrammar } from "./compile";
import { type BPOutputs, runRows } from "./rows";
import { workerSource } from "./workerSource";

type WorkerThreads = typeof import("node:worker_threads");
type Worker = import("node:worker_threads").Worker;
type MessagePort = import("node:worker_threads").MessagePort;

interface Node {
  wt: WorkerThreads;
  cores: number;
  /** This module's own path: the worker runs worker.js beside it (or worker.ts under jest). */
  here: string;
}

/** How long a new worker may take to load before the pool gives up on it (ms). */
const START_TIMEOUT_MS = 30_000;

let node: Node | null | undefined;

function nodeOnly(): Node | null {
  if (node !== undefined) return node;
  // process.getBuiltinModule (Node >= 20.16) keeps `node:` imports out of browser bundles.
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
  const os = p?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
  node = wt && os && typeof __filename === "string" ? { wt, cores: os.availableParallelism(), here: __filename } : null;
  return node;
}

/** Cores runBP's `threads: "auto"` uses here (1 where worker_threads is missing). */
export function availableThreads(): number {
  return nodeOnly()?.cores ?? 1;
}

interface PoolWorker {
  worker: Worker;
  /** The main side of the worker's error channel (read with receiveMessageOnPort). */
  errors: MessagePort;
}

const pool: PoolWorker[] = [];

/** Grow the pool to n workers, each confirmed started; false when they could not start. */
function ensureWorkers(env: Node, n: number): boolean {
  while (pool.length < n) {
    const { port1, port2 } = new env.wt.MessageChannel();
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const src = workerSource(env.here, "worker");
    const worker = new env.wt.Worker(src.code, {
      eval: src.eval,
      workerData: { errors: port2, ready },
      transferList: [port2],
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    port1.unref();
    if (Atomics.wait(ready, 0, 0, START_TIMEOUT_MS) === "timed-out" && Atomics.load(ready, 0) === 0) {
      void worker.terminate();
      return false;
    }
    pool.push({ worker, errors: port1 });
  }
  return true;
}

/**
 * Per worker, the shared buffer its evidence rows are copied into, kept between calls: a
 * fresh one would page-fault on every call (as long as the copy itself). Safe to reuse, as
 * runPooled returns only after every worker is done with it.
 */
const evidenceBuffers: Float64Array[] = [];

/** A copy of a into worker k's shared evidence buffer (grown when too small). */
function sharedEvidence(k: number, a: Float64Array): Float64Array {
  let buf = evidenceBuffers[k];
  if (!buf || buf.length < a.length) {
    buf = new Float64Array(new SharedArrayBuffer(a.byteLength));
    evidenceBuffers[k] = buf;
  }
  const s = buf.subarray(0, a.length);
  s.set(a);
  return s;
}

/** Arrays of n floats the pool's threads can all write to (plain ones when there is no pool). */
export function outputArray(n: number, pooled: boolean): Float64Array {
  return pooled ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
}

export function outputBytes(n: number, pooled: boolean): Uint8Array {
  return pooled ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
}

/**
 * Whether `threads` (>= 2) workers can run here; starts them on first use. The
 * outputs of a pooled call must come from outputArray(..., true).
 */
export function poolReady(threads: number): boolean {
  const env = nodeOnly();
  return env !== null && threads >= 2 && ensureWorkers(env, threads - 1);
}

/** runRows over the whole batch, split across the calling thread and threads - 1 workers (poolReady first). */
export function runPooled(cg: CompiledGrammar, ev: Evidence, out: BPOutputs, threads: number): void {
  const env = nodeOnly()!;
  const batch = ev.batch;
  const parts = Math.min(threads, batch);
  // Each worker gets its own rows of evidence in shared memory (none copied when ev.e is shared already).
  const isShared = ev.e.buffer instanceof SharedArrayBuffer;
  const rowFloats = ev.d * ev.S;
  // done[0]: workers finished; done[1]: workers that failed (their errors wait on their ports).
  const done = new Int32Array(new SharedArrayBuffer(8));
  const cut = (k: number): number => Math.round((k * batch) / parts);
  for (let k = 1; k < parts; k++) {
    const [start, end] = [cut(k), cut(k + 1)];
    const e = isShared ? ev.e : sharedEvidence(k - 1, ev.e.subarray(start * rowFloats, end * rowFloats));
    const evRow0 = isShared ? 0 : start;
    pool[k - 1].worker.postMessage({ cg, ev: { ...ev, e }, start, end, out, done, evRow0 });
  }
  let failure: unknown = null;
  try {
    runRows(cg, ev, 0, cut(1), out);
  } catch (err) {
    failure = err;
  }
  for (let v = Atomics.load(done, 0); v < parts - 1; v = Atomics.load(done, 0)) Atomics.wait(done, 0, v);
  if (failure) throw failure;
  if (Atomics.load(done, 1) === 0) return;
  const messages: string[] = [];
  for (let k = 1; k < parts; k++)
    for (
      let msg = env.wt.receiveMessageOnPort(pool[k - 1].errors);
      msg;
      msg = env.wt.receiveMessageOnPort(pool[k - 1].errors)
    )
      messages.push((msg.message as { message: string }).message);
  throw new Error(`runBP worker: ${messages[0]}`);
}
