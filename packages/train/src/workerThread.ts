/**
 * How train starts its worker threads (the step pool's replicas, the batch prefetcher): the
 * file beside the caller through bp's workerSource (the build's `.js`, or the TypeScript
 * sources under jest), one MessageChannel whose far end travels in workerData, and nothing
 * that keeps the process alive, so a forgotten dispose() still lets a run exit.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import * as wt from "node:worker_threads";
import { workerSource } from "@ghmkit/bp";

export interface StartedWorker {
  worker: Worker;
  /** This thread's end of the channel (read with receiveMessageOnPort: this side never listens). */
  port: MessagePort;
}

/**
 * Starts `entry` (no extension) beside `here` (the caller's __filename) with the workerData
 * that `data` builds around the worker's end of a new channel. Throws when the thread
 * cannot be created; whether the worker then starts is the caller's protocol.
 */
export function startWorker<T extends object>(
  here: string,
  entry: string,
  data: (port: MessagePort) => T,
): StartedWorker {
  const { port1, port2 } = new wt.MessageChannel();
  const src = workerSource(here, entry);
  let worker: Worker;
  try {
    worker = new wt.Worker(src.code, { eval: src.eval, workerData: data(port2), transferList: [port2] });
  } catch (err) {
    port1.close();
    throw err;
  }
  // Idle (or blocked) workers must not keep the process alive.
  worker.unref();
  port1.unref();
  return { worker, port: port1 };
}

/** Every message waiting on `port`, in order, without the event loop. */
export function drainPort<T>(port: MessagePort): T[] {
  const out: T[] = [];
  for (let m = wt.receiveMessageOnPort(port); m; m = wt.receiveMessageOnPort(port)) out.push(m.message as T);
  return out;
}
