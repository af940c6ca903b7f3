/**
 * Training batches drawn ahead on a worker thread (TrainConfig.prefetch), so that the
 * sampling, noise and net input of batch k+1 run on another core while step k runs here.
 *
 * The worker (prefetchWorker.ts) runs BatchStream's own code from this stream's state, so
 * batch i of its sequence is batch i of the inline one, bit for bit. Each batch comes back
 * (its arrays transferred, not copied) with the stream state after it, which the main
 * stream adopts when it hands the batch out: getState() therefore describes the batches
 * consumed, never those made ahead, and a checkpoint resumes exactly.
 *
 * The worker never blocks this thread's start: while it is still loading, the main stream
 * draws here as before and tells the worker where the sequence has got to (a reset), so
 * the worker takes over from the right batch. Once it runs, next() waits for it (it is
 * at most one batch's time behind, usually `depth` batches ahead). A worker that fails,
 * does not start or stalls is stopped with one line on stderr, and the stream carries on
 * here from the last batch it handed out.
 *
 * Shared control words (Int32Array on a SharedArrayBuffer) instead of messages for the
 * handshake: this thread blocks in Atomics.wait (trainStep is synchronous, there is no
 * event loop turn to receive a message), and the worker never returns to its event loop.
 */
import * as os from "node:os";
import type { MessagePort, Worker } from "node:worker_threads";
import type { Grammar } from "@ghmkit/ghm";
import type { TrainConfig } from "./config";
import type { Batch, BatchStreamState } from "./data";
import { drainPort, startWorker } from "./workerThread";

/** Batches the worker may have made ahead of the ones handed out (double buffering: one in use, the next ready). */
export const PREFETCH_DEPTH = 2;
/** How long the worker may take to load before the stream stops asking it (ms); it draws here meanwhile. */
const START_TIMEOUT_MS = 120_000;
/** How long a running worker may go without producing the batch this thread waits for (ms). */
const STALL_TIMEOUT_MS = 120_000;

/** Indices into the control words. */
export const CTL = {
  /** STARTING, RUNNING, FAILED or STOPPED. */
  status: 0,
  /** Bumped by the worker after each message it posts and each status change (this thread waits on it). */
  posted: 1,
  /** Batches this thread has handed out (the worker stays at most `depth` ahead of it). */
  consumed: 2,
  /** Bumped by this thread after each change the worker must see (the worker waits on it). */
  wake: 3,
} as const;
export const STATUS = { starting: 0, running: 1, failed: 2, stopped: 3 } as const;

/** workerData of prefetchWorker.ts. */
export interface PrefetchInit {
  grammar: Grammar;
  cfg: TrainConfig;
  /** The stream state to draw from, and the index of the batch it draws first. */
  reset: PrefetchReset;
  depth: number;
  ctl: Int32Array;
  port: MessagePort;
}

/** This thread to the worker: the batch `from` of generation `gen` follows `state`. */
export interface PrefetchReset {
  gen: number;
  from: number;
  state: BatchStreamState;
}

/** The worker to this thread: batch `index` of generation `gen`, and the stream state after it. */
export interface Prefetched {
  gen: number;
  index: number;
  batch: Batch;
  state: BatchStreamState;
}

type FromWorker = Prefetched | { error: string };

/**
 * Main-thread time (ms) a worker costs to start: it loads ghm, tensor (TensorFlow.js) and
 * nets before its first batch, 0.5-0.6 s of CPU on this 2-vCPU machine (built packages, 2026-12-02).
 */
export const PREFETCH_START_COST_MS = 500;
/** Batches drawn here before deciding (the least of their times: the first draws still compile). */
const PROBE_BATCHES = 4;

/**
 * Whether the stream prefetches for `prefetch` (TrainConfig.prefetch): true and false say
 * so; absent, only where a second core is there to draw on.
 */
export function resolvePrefetch(prefetch: boolean | undefined): boolean {
  return prefetch ?? os.availableParallelism() >= 2;
}

/**
 * Whether a run with `batchesLeft` batches to draw should start a worker (BatchStream.
 * prefetchWhenWorthIt): yes once the batches after the first few, at the fastest of those
 * few's draw times, would keep this thread busier than a worker costs to start. A short
 * run (a test, a smoke run) then never loads one; a long one starts it within a few batches.
 */
export class PrefetchProbe {
  private drawn = 0;
  private fastest = Infinity;

  constructor(private readonly batchesLeft: number) {}

  /** After one batch drawn here in `ms`: null while still probing, then the decision (once). */
  drew(ms: number): boolean | null {
    this.drawn++;
    this.fastest = Math.min(this.fastest, ms);
    if (this.drawn < PROBE_BATCHES) return null;
    return (this.batchesLeft - this.drawn) * this.fastest > PREFETCH_START_COST_MS;
  }
}

export class Prefetcher {
  /** Batches handed out so far (the index of the next one). */
  private consumed = 0;
  /** Bumped by restart(): batches of an older generation follow another state and are dropped. */
  private gen = 0;
  private readonly ready = new Map<number, Prefetched>();
  private readonly startedAt = Date.now();
  private stopped = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly ctl: Int32Array,
  ) {}

  /** A worker drawing from `state` (a BatchStream's getState()); throws when no thread can be created. */
  static start(grammar: Grammar, cfg: TrainConfig, state: BatchStreamState, depth = PREFETCH_DEPTH): Prefetcher {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * 4));
    const reset: PrefetchReset = { gen: 0, from: 0, state };
    const { worker, port } = startWorker(
      __filename,
      "prefetchWorker",
      (p): PrefetchInit => ({ grammar, cfg, reset, depth, ctl, port: p }),
    );
    return new Prefetcher(worker, port, ctl);
  }

  /** Whether the worker has loaded and draws (false while it loads, and once stopped). */
  get running(): boolean {
    return !this.stopped && Atomics.load(this.ctl, CTL.status) === STATUS.running;
  }

  /** False once the worker was stopped (dispose, failure, timeout): the stream draws here. */
  get active(): boolean {
    return !this.stopped;
  }

  /**
   * The next batch with the stream state after it; null when this thread should draw it
   * (the worker is still loading: call drewHere after; or it has stopped: see `active`).
   */
  take(): Prefetched | null {
    if (this.stopped) return null;
    let waitedSince = 0;
    for (;;) {
      // posted is read before the port: a message that lands after the read also moves
      // posted, so the wait below returns at once instead of sleeping through it.
      const posted = Atomics.load(this.ctl, CTL.posted);
      const got = this.receive();
      if (got) {
        this.consumed++;
        this.signal(() => Atomics.store(this.ctl, CTL.consumed, this.consumed));
        return got;
      }
      if (this.stopped) return null;
      const status = Atomics.load(this.ctl, CTL.status);
      if (status === STATUS.starting) {
        if (Date.now() - this.startedAt > START_TIMEOUT_MS)
          this.stop(`the worker did not start within ${START_TIMEOUT_MS / 1000} s`);
        return null;
      }
      if (status !== STATUS.running) {
        // A failing worker posts its error before it says so: the message is there by now.
        const error = drainPort<FromWorker>(this.port).find((m) => "error" in m);
        this.stop(error && "error" in error ? error.error : "the worker stopped");
        return null;
      }
      const now = Date.now();
      if (waitedSince === 0) waitedSince = now;
      else if (now - waitedSince > STALL_TIMEOUT_MS) {
        this.stop(`no batch from the worker in ${STALL_TIMEOUT_MS / 1000} s`);
        return null;
      }
      Atomics.wait(this.ctl, CTL.posted, posted, STALL_TIMEOUT_MS);
    }
  }

  /** This thread drew the next batch itself (the worker was loading); `state` is the stream's after it. */
  drewHere(state: BatchStreamState): void {
    this.consumed++;
    this.send(state);
  }

  /** The stream was set to `state` (BatchStream.setState): what was made ahead no longer follows. */
  restart(state: BatchStreamState): void {
    if (this.stopped) return;
    this.gen++;
    this.ready.clear();
    this.send(state);
  }

  /** Stops the worker (idempotent). */
  dispose(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.signal(() => Atomics.store(this.ctl, CTL.status, STATUS.stopped));
    this.port.close();
    this.ready.clear();
    void this.worker.terminate();
  }

  /** Tells the worker that batch `consumed` follows `state` (it drops what it made before). */
  private send(state: BatchStreamState): void {
    if (this.stopped) return;
    const reset: PrefetchReset = { gen: this.gen, from: this.consumed, state };
    this.port.postMessage(reset);
    this.signal(() => Atomics.store(this.ctl, CTL.consumed, this.consumed));
  }

  /** `change`, then wake the worker (it reads wake before what it waits for, so no change is missed). */
  private signal(change: () => void): void {
    change();
    Atomics.add(this.ctl, CTL.wake, 1);
    Atomics.notify(this.ctl, CTL.wake);
  }

  /** The waiting messages sorted in; the batch due next, if it has come. */
  private receive(): Prefetched | null {
    for (const m of drainPort<FromWorker>(this.port)) {
      if ("error" in m) {
        this.stop(m.error);
        return null;
      }
      if (m.gen === this.gen && m.index >= this.consumed) this.ready.set(m.index, m);
    }
    const got = this.ready.get(this.consumed) ?? null;
    if (got) this.ready.delete(this.consumed);
    return got;
  }

  private stop(why: string): void {
    console.warn(`ghm train: batch prefetch stopped (${why}); drawing batches on the main thread`);
    this.dispose();
  }
}
