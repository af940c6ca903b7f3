/**
 * The batch prefetcher's worker (prefetch.ts): BatchStream's own code on the run's grammar
 * and config, from the state the main thread sent, drawing at most `depth` batches ahead
 * of the ones handed out. It never returns to its event loop: it waits in Atomics.wait
 * and reads the main thread's resets with receiveMessageOnPort. An error goes to the port
 * and the status word, so the main thread stops asking and draws on itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { BatchStream, makeStreams } from "./data";
import { CTL, type PrefetchInit, type PrefetchReset, type Prefetched, STATUS } from "./prefetch";

const init = workerData as PrefetchInit;
const { ctl, port, depth } = init;

/** Counts a message or status change (the main thread's sign that this worker is alive). */
function posted(): void {
  Atomics.add(ctl, CTL.posted, 1);
}

/** posted(), waking the main thread if it waits for this worker to start (prefetch's waitForStart). */
function statusChanged(): void {
  posted();
  Atomics.notify(ctl, CTL.posted);
}

/**
 * This thread at a lower priority (nice 10), where Linux allows it: woken by the main
 * thread's hand-over, it would otherwise preempt the main thread on its own core (measured:
 * Atomics.notify taking 0.6 ms at d = 8) instead of using the idle one or waiting its turn.
 * Its batches are the same at any priority.
 */
function lowerPriority(): void {
  try {
    const tid = Number(/task\/(\d+)$/.exec(fs.readlinkSync("/proc/thread-self"))?.[1]);
    if (Number.isInteger(tid)) os.setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the worker runs at the main thread's priority.
  }
}

function run(): void {
  lowerPriority();
  // The fixed training set (if any) is drawn again from the seeds: the same draws as the main thread's.
  const stream = new BatchStream(init.grammar, init.cfg, makeStreams(init.cfg));
  let { gen, from: next } = init.reset;
  stream.setState(init.reset.state);
  if (Atomics.compareExchange(ctl, CTL.status, STATUS.starting, STATUS.running) !== STATUS.starting) return;
  statusChanged();
  for (;;) {
    // wake is read first: a reset or a consumed batch after this read moves it, so the wait returns.
    const wake = Atomics.load(ctl, CTL.wake);
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const r = m.message as PrefetchReset;
      gen = r.gen;
      next = r.from;
      stream.setState(r.state);
    }
    if (Atomics.load(ctl, CTL.status) === STATUS.stopped) return;
    if (next >= Atomics.load(ctl, CTL.consumed) + depth) {
      Atomics.wait(ctl, CTL.wake, wake);
      continue;
    }
    const batch = stream.next();
    const out: Prefetched = { gen, index: next, batch, state: stream.getState() };
    // The arrays move to the main thread (no copy); a set of buffers, as one buffer listed twice is refused.
    const buffers = new Set([batch.input.buffer, batch.x.buffer, batch.y.buffer] as ArrayBuffer[]);
    port.postMessage(out, [...buffers]);
    next++;
    posted();
  }
}

try {
  run();
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  Atomics.store(ctl, CTL.status, STATUS.failed);
  statusChanged();
}
