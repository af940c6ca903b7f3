/**
 * A runBP pool worker (pool.ts): runs runRows on the rows it is sent, writing into the
 * shared outputs, then counts itself done. It never throws out of a job: an error goes
 * to its error port and is counted, so the blocked caller always wakes up.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { type BPOutputs, runRows } from "./rows";
import type { CompiledGrammar } from "./compile";
import type { Evidence } from "@ghmkit/ghm";

interface Job {
  cg: CompiledGrammar;
  ev: Evidence;
  start: number;
  end: number;
  out: BPOutputs;
  done: Int32Array;
  /** The first row ev.e holds. */
  evRow0: number;
}

const { errors, ready } = workerData as { errors: MessagePort; ready: Int32Array };

parentPort!.on("message", (job: Job) => {
  try {
    runRows(job.cg, job.ev, job.start, job.end, job.out, job.evRow0);
  } catch (err) {
    errors.postMessage({ message: err instanceof Error ? err.message : String(err) });
    Atomics.add(job.done, 1, 1);
  }
  Atomics.add(job.done, 0, 1);
  Atomics.notify(job.done, 0);
});

Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
