/**
 * Data-parallel training steps on worker_threads (TrainConfig.threads). Each worker holds
 * a replica of the network; a step cuts the batch into one contiguous range of rows per
 * thread (this thread takes the first), every thread computes the gradient of its rows'
 * mean loss, and this thread sums them weighted by rows, in thread order, then applies the
 * one Adam update to its own weights, which the workers copy before their next step. The
 * replicas therefore never drift, and a run is reproducible for a given thread count; the
 * losses equal one thread's up to float32 summation order. This thread blocks in
 * Atomics.wait until the workers are done, so trainStep stays synchronous.
 */
import * as os from "node:os";
import type { MessagePort, Worker } from "node:worker_threads";
import type { NetConfig } from "@ghmkit/nets";
import { gemmFma, type NodeBackendName, setKernelThreads, tf } from "@ghmkit/tensor";
import type { Task } from "./config";
import type { Batch } from "./data";
import type { StepState } from "./setup";
import { batchRows } from "./stepLoss";
import { batchGrads } from "./graphStep";
import { drainPort, startWorker } from "./workerThread";

/** How long a new worker may take to load tfjs and build its replica (ms). */
const START_TIMEOUT_MS = 120_000;

/** What a worker needs to build its replica (workerData). */
export interface StepWorkerInit {
  backend: NodeBackendName;
  arch: string;
  task: Task;
  netConfig: NetConfig;
  /** The trainable weights' shapes in order: the replica must match them. */
  shapes: number[][];
  /** Fused multiply-add in the replica's products, as on the main thread (tensor's gemmFma()). */
  gemmFma: boolean;
  classes: number;
  S: number;
  /** [0]: 1 once started, 2 when starting failed (the message is on `errors`). */
  ready: Int32Array;
  errors: MessagePort;
}

/** One step's work for one worker (all arrays on SharedArrayBuffers). */
export interface StepJob {
  start: number;
  end: number;
  n: number;
  d: number;
  S: number;
  input: Float32Array;
  x: Int32Array;
  y: Int32Array;
  weights: Float32Array;
  /** Bumped whenever `weights` changed since the previous job. */
  version: number;
  /** This worker's gradient slot: every trainable weight's gradient, flattened, in order. */
  grads: Float32Array;
  losses: Float64Array;
  slot: number;
  /** [0]: workers finished; [1]: workers that failed (their errors wait on their ports). */
  done: Int32Array;
}

/**
 * Work (leaves x width^2 x rows, a step's multiply-adds up to a constant) per thread below
 * which "auto" stays on fewer threads: each replica repeats the step's fixed per-op cost.
 * Measured with 2 threads on an idle 2-vCPU machine after tensor's SIMD GEMMs (`benchTrainStep`,
 * width 64, batch 64, 2026-12-02): d = 256 (this much per thread) gained 1.35x, d = 64 (a
 * quarter of it) lost (0.77x); d = 128 was not measured, so it stays on one thread.
 */
export const AUTO_MIN_WORK_PER_THREAD = 256 * 64 * 64 * 32;

/**
 * Threads the step runs on for `threads` (TrainConfig.threads) on `backend` with batches of
 * `batch` rows; "auto" also needs `work`, the step's leaves x width^2 x batch.
 */
export function resolveThreads(threads: number | "auto" | undefined, backend: string, batch: number, work = 0): number {
  let want = threads === undefined ? 1 : threads;
  if (want === "auto") {
    // tfjs-node(-gpu) and webgl spread one op over the cores themselves; wasm and cpu use one.
    const cores = backend === "wasm" || backend === "cpu" ? os.availableParallelism() : 1;
    want = Math.min(cores, Math.floor(work / AUTO_MIN_WORK_PER_THREAD));
  }
  return Math.max(1, Math.min(want, batch));
}

interface PoolWorker {
  worker: Worker;
  errors: MessagePort;
}

/**
 * The batch's gradient of one weight: this thread's `g` (weight n0) and each worker k's
 * slot (weight rowsOf[k]) summed in thread order, over n. float32 sums, as one thread's.
 */
function weightedMean(
  g: Float32Array,
  n0: number,
  slots: Float32Array,
  slotSize: number,
  offset: number,
  rowsOf: number[],
  n: number,
): Float32Array {
  const len = g.length;
  const out = new Float32Array(len);
  for (let j = 0; j < len; j++) out[j] = n0 * g[j];
  for (let k = 1; k < rowsOf.length; k++) {
    const w = rowsOf[k];
    const base = (k - 1) * slotSize + offset;
    for (let j = 0; j < len; j++) out[j] += w * slots[base + j];
  }
  for (let j = 0; j < len; j++) out[j] /= n;
  return out;
}

function drain(port: MessagePort): string[] {
  return drainPort<{ message: string }>(port).map((m) => m.message);
}

export class StepPool {
  /** Threads a step runs on (this one included). */
  readonly threads: number;
  private readonly workers: PoolWorker[];
  private readonly sizes: number[];
  private readonly offsets: number[];
  private readonly total: number;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly losses: Float64Array;
  private readonly done = new Int32Array(new SharedArrayBuffer(8));
  private version = 0;
  private published = -1;
  private rows: { input: Float32Array; x: Int32Array; y: Int32Array } | null = null;
  /** This thread's kernel threads before the pool took the cores (restored on dispose). */
  private readonly kernelThreadsBefore: number;

  private constructor(workers: PoolWorker[], shapes: number[][]) {
    this.workers = workers;
    this.threads = workers.length + 1;
    this.sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.offsets = [];
    let off = 0;
    for (const n of this.sizes) {
      this.offsets.push(off);
      off += n;
    }
    this.total = off;
    this.weights = new Float32Array(new SharedArrayBuffer(4 * off));
    this.grads = new Float32Array(new SharedArrayBuffer(4 * off * workers.length));
    this.losses = new Float64Array(new SharedArrayBuffer(8 * workers.length));
    // The replicas use the cores: kernel threads on top would only contend with them.
    this.kernelThreadsBefore = setKernelThreads(1);
  }

  /**
   * threads - 1 workers holding replicas of `model`, each confirmed started; throws when one
   * cannot start (the caller falls back to one thread).
   */
  static start(
    threads: number,
    init: Omit<StepWorkerInit, "ready" | "errors" | "shapes" | "gemmFma">,
    model: tf.LayersModel,
  ): StepPool {
    const shapes = model.trainableWeights.map((w) => w.shape as number[]);
    const workers: PoolWorker[] = [];
    try {
      for (let k = 1; k < threads; k++) {
        const ready = new Int32Array(new SharedArrayBuffer(4));
        const { worker, port } = startWorker(
          __filename,
          "stepWorker",
          (errors): StepWorkerInit => ({ ...init, shapes, ready, errors, gemmFma: gemmFma() }),
        );
        workers.push({ worker, errors: port });
        if (Atomics.wait(ready, 0, 0, START_TIMEOUT_MS) === "timed-out" && Atomics.load(ready, 0) === 0)
          throw new Error(`a worker did not start within ${START_TIMEOUT_MS / 1000} s`);
        if (Atomics.load(ready, 0) !== 1) throw new Error(drain(port)[0] ?? "a worker failed to start");
      }
    } catch (err) {
      for (const w of workers) void w.worker.terminate();
      throw err;
    }
    return new StepPool(workers, shapes);
  }

  /** One optimisation step on `batch` at learning rate lr (trainStep's contract); returns the batch loss. */
  step(r: StepState, batch: Batch, lr: number): number {
    r.opt.setLearningRate(lr);
    const { n, d, S } = batch;
    const parts = Math.min(this.threads, n);
    const cut = (k: number): number => Math.round((k * n) / parts);
    this.publish(r.vars);
    const rows = this.shareRows(batch);
    Atomics.store(this.done, 0, 0);
    Atomics.store(this.done, 1, 0);
    for (let k = 1; k < parts; k++) {
      const job: StepJob = {
        start: cut(k),
        end: cut(k + 1),
        n,
        d,
        S,
        ...rows,
        weights: this.weights,
        version: this.version,
        grads: this.grads.subarray((k - 1) * this.total, k * this.total),
        losses: this.losses,
        slot: k - 1,
        done: this.done,
      };
      this.workers[k - 1].worker.postMessage(job);
    }
    const classes = r.g.vocab[0];
    const leafS = r.g.vocab[r.g.depth];
    const n0 = cut(1);
    // This thread's rows. Their values leave tidy through `own`, not its return value: tidy
    // would walk every element of returned typed arrays looking for tensors.
    const own = { loss: 0, grads: [] as Float32Array[] };
    tf.tidy(() => {
      const rows0 = batchRows(batch, 0, n0);
      const { value, grads } = batchGrads(r.model, r.vars, r.cfg.task, rows0, classes, leafS);
      own.loss = value.dataSync()[0];
      own.grads = grads.map((g) => g.dataSync() as Float32Array);
    });
    let failure: unknown = null;
    for (let v = Atomics.load(this.done, 0); v < parts - 1; v = Atomics.load(this.done, 0))
      Atomics.wait(this.done, 0, v);
    if (Atomics.load(this.done, 1) > 0) {
      const messages = this.workers.flatMap((w) => drain(w.errors));
      failure = new Error(`training step worker: ${messages[0] ?? "failed"}`);
    }
    if (failure) throw failure;
    // Weighted by rows, summed in thread order: the same sums on every run with this many threads.
    const rowsOf = Array.from({ length: parts }, (_, k) => cut(k + 1) - cut(k));
    let loss = n0 * own.loss;
    for (let k = 1; k < parts; k++) loss += rowsOf[k] * this.losses[k - 1];
    loss /= n;
    tf.tidy(() => {
      const named = r.vars.map((v, i) => {
        const out = weightedMean(own.grads[i], n0, this.grads, this.total, this.offsets[i], rowsOf, n);
        const t = tf.tensor(out, v.shape, "float32");
        // The held-at-0 entries (net.init "compiled") get a gradient of exactly 0, as on one thread.
        return { name: v.name, tensor: r.masks === null ? t : tf.mul(t, r.masks[i]) };
      });
      r.opt.applyGradients(named);
    });
    this.version++;
    return loss;
  }

  /** The current weights into shared memory, once per update. */
  private publish(vars: tf.Variable[]): void {
    if (this.published === this.version) return;
    vars.forEach((v, i) => this.weights.set(v.dataSync() as Float32Array, this.offsets[i]));
    this.published = this.version;
  }

  private shareRows(b: Batch): { input: Float32Array; x: Int32Array; y: Int32Array } {
    const r = this.rows;
    if (r === null || r.input.length < b.input.length || r.x.length < b.x.length || r.y.length < b.y.length) {
      this.rows = {
        input: new Float32Array(new SharedArrayBuffer(4 * b.input.length)),
        x: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, b.x.length))),
        y: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, b.y.length))),
      };
    }
    const rows = this.rows!;
    rows.input.set(b.input);
    rows.x.set(b.x);
    rows.y.set(b.y);
    return rows;
  }

  /** Stops the workers and gives this thread its kernel threads back. */
  dispose(): void {
    if (this.workers.length > 0) setKernelThreads(this.kernelThreadsBefore);
    for (const w of this.workers) {
      w.errors.close();
      void w.worker.terminate();
    }
    this.workers.length = 0;
  }
}
