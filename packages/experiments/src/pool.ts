/**
 * A local worker pool: runs commands as child processes, at most `jobs` at a time.
 * Each child is one self-contained experiment job (`ghm experiment run-one ...`), so
 * a crash or an out-of-memory kill affects that job only, and a rerun redoes only
 * the jobs whose result files are missing.
 */
import { spawn, ChildProcess } from "node:child_process";

export interface PoolTask {
  id: string;
  /** Program and arguments. */
  argv: string[];
}

export interface PoolOutcome {
  id: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last 4 KiB of the child's stderr (for the error message). */
  stderr: string;
  seconds: number;
}

export interface PoolOptions {
  jobs: number;
  signal?: AbortSignal;
  onDone?: (o: PoolOutcome, finished: number, total: number) => void;
  onStart?: (id: string) => void;
}

const STDERR_TAIL = 4096;

/** Runs every task; resolves with their outcomes in task order (never rejects for a failing child). */
export function runPool(tasks: PoolTask[], o: PoolOptions): Promise<PoolOutcome[]> {
  if (!Number.isInteger(o.jobs) || o.jobs < 1) throw new RangeError(`jobs must be a positive integer, got ${o.jobs}`);
  const outcomes: PoolOutcome[] = new Array(tasks.length);
  const running = new Set<ChildProcess>();
  let next = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const abort = (): void => {
      for (const c of running) c.kill("SIGTERM");
    };
    o.signal?.addEventListener("abort", abort, { once: true });
    const launch = (): void => {
      while (running.size < o.jobs && next < tasks.length && !o.signal?.aborted) {
        const i = next++;
        const t = tasks[i];
        const t0 = Date.now();
        let stderr = "";
        const child = spawn(t.argv[0], t.argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
        running.add(child);
        o.onStart?.(t.id);
        child.stderr!.on("data", (b: Buffer) => {
          stderr = (stderr + b.toString("utf8")).slice(-STDERR_TAIL);
        });
        const done = (code: number | null, signal: NodeJS.Signals | null): void => {
          if (!running.delete(child)) return;
          outcomes[i] = { id: t.id, code, signal, stderr, seconds: (Date.now() - t0) / 1000 };
          finished++;
          o.onDone?.(outcomes[i], finished, tasks.length);
          settle();
        };
        child.on("error", (err) => {
          stderr += String(err);
          done(null, null);
        });
        child.on("close", done);
      }
    };
    const settle = (): void => {
      if (running.size === 0 && (next >= tasks.length || o.signal?.aborted)) {
        o.signal?.removeEventListener("abort", abort);
        for (let i = 0; i < tasks.length; i++) outcomes[i] ??= { id: tasks[i].id, code: null, signal: null, stderr: "not started (aborted)", seconds: 0 };
        resolve(outcomes);
      } else {
        launch();
      }
    };
    launch();
    settle();
  });
}
