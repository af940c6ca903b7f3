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
 * This thread never waits for the worker: a batch it has not finished yet (while it loads,
 * or when the second core is busy elsewhere) is drawn here, as without it, and the worker
 * is told where the sequence has got to (a reset), so it goes on from the right batch. A
 * step therefore never costs more than drawing inline, and usually (the worker keeps
 * `depth` batches ready) only the hand-over. A worker that fails, does not start or stops
 * posting is stopped with one line on stderr, and the stream carries on here from the last
 * batch it handed out.
 *
 * Shared control words (Int32Array on a SharedArrayBuffer) for the handshake and
 * receiveMessageOnPort for the batches: trainStep is synchronous, so this thread has no
 * event loop turn to receive a message in, and the worker never returns to its own.
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
/** How long a running worker may go without posting while this thread draws the batches it lacks (ms). */
const STALL_TIMEOUT_MS = 120_000;

/** Indices into the control words. */
export const CTL = {
  /** STARTING, RUNNING, FAILED or STOPPED. */
  status: 0,
  /** Bumped by the worker after each message it posts and each status change (it is alive). */
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
  /** When the worker last posted (or a batch was handed out), and its post count then. */
  private lastProgress = Date.now();
  private lastPosted = 0;
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

  /** Blocks until the worker has loaded (or failed, or START_TIMEOUT_MS passed: it is then stopped). */
  waitForStart(): void {
    const deadline = this.lastProgress + START_TIMEOUT_MS;
    for (;;) {
      const posted = Atomics.load(this.ctl, CTL.posted);
      if (this.stopped || Atomics.load(this.ctl, CTL.status) !== STATUS.starting) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.ctl, CTL.posted, posted, left);
    }
    // take() reports a failure or the timeout (one stderr line) and keeps a ready batch for next().
    if (!this.stopped && Atomics.load(this.ctl, CTL.status) !== STATUS.running) this.take();
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
   * The next batch with the stream state after it, when the worker has it ready; null when
   * this thread should draw it (call drewHere after), or when the worker has stopped (see
   * `active`). It never waits: a batch the worker has not finished (it is loading, or the
   * second core is busy elsewhere) costs this thread no more than drawing it here.
   */
  take(): Prefetched | null {
    if (this.stopped) return null;
    const got = this.receive();
    if (got) {
      this.consumed++;
      this.lastProgress = Date.now();
      this.signal(() => Atomics.store(this.ctl, CTL.consumed, this.consumed));
      return got;
    }
    if (this.stopped) return null;
    const status = Atomics.load(this.ctl, CTL.status);
    if (status !== STATUS.starting && status !== STATUS.running) {
      // A failing worker posts its error before it says so: the message is there by now.
      const error = drainPort<FromWorker>(this.port).find((m) => "error" in m);
      this.stop(error && "error" in error ? error.error : "the worker stopped");
      return null;
    }
    // A worker that posts nothing for this long is stuck: stop it rather than queue resets for it forever.
    const now = Date.now();
    const posted = Atomics.load(this.ctl, CTL.posted);
    if (posted !== this.lastPosted) {
      this.lastPosted = posted;
      this.lastProgress = now;
    } else if (status === STATUS.starting && now - this.lastProgress > START_TIMEOUT_MS) {
      this.stop(`the worker did not start within ${START_TIMEOUT_MS / 1000} s`);
    } else if (status === STATUS.running && now - this.lastProgress > STALL_TIMEOUT_MS) {
      this.stop(`no batch from the worker in ${STALL_TIMEOUT_MS / 1000} s`);
    }
    return null;
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
