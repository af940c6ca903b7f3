/**
 * A pool of long-lived worker processes (`ghm experiment worker`), each running one
 * job at a time, fed over stdin with the next job (longest first) as soon as it
 * reports the last one done. Starting `ghm` and TensorFlow.js costs 1-2 s per
 * process, more than many jobs take, so workers are reused rather than spawned per
 * job. A job that crashes its worker (a bug, an out-of-memory kill) fails alone: the
 * worker is replaced and the pool goes on.
 *
 * Protocol, one JSON object per line: the parent writes {"out": dir, "spec": RunOneSpec};
 * the worker answers {"id", "ok": true, "seconds"} or {"id", "ok": false, "code", "error"}.
 */
import { InputError } from "@ghmkit/ghm";
import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import * as readline from "node:readline";
import type { RunOneSpec } from "./runner";

export interface PoolOutcome {
  id: string;
  /** 0: done; 2: a usage error in the job; 1 or the exit code of a worker that died in it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The error message, or the last 4 KiB of a dead worker's stderr. */
  stderr: string;
  seconds: number;
}

export interface WorkerTask {
  /** Label of the outcome (e.g. experiment/job). */
  id: string;
  /** The experiment directory. */
  out: string;
  spec: RunOneSpec;
}

export interface WorkerMessage {
  id: string;
  ok: boolean;
  seconds?: number;
  code?: number;
  error?: string;
}

export interface WorkerPoolOptions {
  jobs: number;
  /** How to start `ghm` (the pool appends `--quiet experiment worker`). */
  cli: string[];
  signal?: AbortSignal;
  onDone?: (o: PoolOutcome, finished: number, total: number) => void;
}

const STDERR_TAIL = 4096;

interface Worker {
  child: ChildProcess;
  task: { index: number; t0: number } | null;
  stderr: string;
}

/** Runs every task; resolves with their outcomes in task order (never rejects for a failing job). */
/**
 * A worker's environment: the cores shared among the jobs as kernel threads (tensor's
 * GHM_KERNEL_THREADS), unless the user set it; jobs x kernel threads above the cores only
 * contend.
 */
export function workerEnv(jobs: number): NodeJS.ProcessEnv {
  if (process.env.GHM_KERNEL_THREADS !== undefined || jobs < 2) return process.env;
  // at most 4, as tensor's "auto" caps them
  const share = Math.min(4, Math.max(1, Math.floor(availableParallelism() / jobs)));
  return { ...process.env, GHM_KERNEL_THREADS: String(share) };
}

export function runWorkerPool(tasks: WorkerTask[], o: WorkerPoolOptions): Promise<PoolOutcome[]> {
  if (!Number.isInteger(o.jobs) || o.jobs < 1)
    throw new InputError("jobs", `must be a positive integer, got ${o.jobs}`);
  const outcomes: PoolOutcome[] = new Array(tasks.length);
  const workers = new Set<Worker>();
  let next = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const record = (index: number, outcome: PoolOutcome): void => {
      outcomes[index] = outcome;
      finished++;
      o.onDone?.(outcome, finished, tasks.length);
    };
    const feed = (w: Worker): void => {
      if (next >= tasks.length || o.signal?.aborted) {
        w.task = null;
        w.child.stdin!.end();
        return;
      }
      const index = next++;
      w.task = { index, t0: Date.now() };
      w.child.stdin!.write(`${JSON.stringify({ out: tasks[index].out, spec: tasks[index].spec })}\n`);
    };
    const start = (): void => {
      const child = spawn(o.cli[0], [...o.cli.slice(1), "--quiet", "experiment", "worker"], {
        stdio: ["pipe", "pipe", "pipe"],
        env: workerEnv(o.jobs),
      });
      const w: Worker = { child, task: null, stderr: "" };
      workers.add(w);
      child.stderr!.on("data", (b: Buffer) => {
        w.stderr = (w.stderr + b.toString("utf8")).slice(-STDERR_TAIL);
      });
      child.stdin!.on("error", () => {}); // a dead worker's pipe; its exit is handled below
      readline.createInterface({ input: child.stdout! }).on("line", (line) => {
        let msg: WorkerMessage;
        try {
          msg = JSON.parse(line) as WorkerMessage;
        } catch {
          return; // not a protocol line
        }
        if (!w.task) return;
        const { index, t0 } = w.task;
        const seconds = msg.seconds ?? (Date.now() - t0) / 1000;
        record(
          index,
          msg.ok
            ? { id: tasks[index].id, code: 0, signal: null, stderr: "", seconds }
            : { id: tasks[index].id, code: msg.code ?? 1, signal: null, stderr: msg.error ?? "failed", seconds },
        );
        feed(w);
      });
      child.on("error", (err) => {
        w.stderr += String(err);
      });
      child.on("close", (code, signal) => {
        workers.delete(w);
        if (w.task) {
          // The worker died inside a job: that job fails, a fresh worker takes over.
          const { index, t0 } = w.task;
          record(index, {
            id: tasks[index].id,
            code: code === 0 ? 1 : code,
            signal,
            stderr: w.stderr || `worker exited (${code ?? signal}) during the job`,
            seconds: (Date.now() - t0) / 1000,
          });
          w.task = null;
          if (next < tasks.length && !o.signal?.aborted) {
            start();
            return;
          }
        }
        settle();
      });
      feed(w);
    };
    const settle = (): void => {
      if (workers.size > 0) return;
      o.signal?.removeEventListener("abort", abort);
      for (let i = 0; i < tasks.length; i++)
        outcomes[i] ??= { id: tasks[i].id, code: null, signal: null, stderr: "not started (aborted)", seconds: 0 };
      resolve(outcomes);
    };
    const abort = (): void => {
      for (const w of workers) w.child.kill("SIGTERM");
    };
    o.signal?.addEventListener("abort", abort, { once: true });
    const n = Math.min(o.jobs, tasks.length);
    for (let i = 0; i < n; i++) start();
    if (n === 0) settle();
  });
}
