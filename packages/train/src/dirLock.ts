/**
 * One writer per directory. A command that writes a directory (a training run, an
 * experiment directory, one experiment job) first takes its lock: a file
 *
 *   DIR/.ghm-lock   {"format":"ghm-lock/v1","pid","host","bootId","procStart","startedAt","command","token"}
 *
 * created atomically (written under a temporary name, then hard-linked to its final
 * name, which fails when a lock exists), so a lock file is always complete. A second
 * writer gets a `DirLockedError` naming the holder (pid, host, start time, command).
 * A lock is stale, and is taken over (the caller is told, `tookOver`), when its holder
 * ran on this host and
 *   - its boot id (/proc/sys/kernel/random/boot_id) differs: the machine rebooted;
 *   - its pid is gone (kill -9, crash, power loss of a process);
 *   - its pid is alive but started at another time (/proc/<pid>/stat): the pid was reused.
 * A lock held on another host cannot be checked from here: it is refused, and the
 * message says which file to delete once that process is known to be gone.
 * Takeovers are serialised by a second, short-lived lock file (`.ghm-lock.takeover`),
 * so two processes finding the same stale lock cannot both take it.
 *
 * Node only (node:fs, node:os); lives in @ghmkit/train because both the trainer and
 * @ghmkit/experiments write directories. Within one process the lock is re-entrant
 * (a command that locks DIR can call trainRun(DIR), which locks it again).
 */
import { InputError } from "@ghmkit/ghm";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const LOCK_FILE = ".ghm-lock";
export const LOCK_FORMAT = "ghm-lock/v1";

export interface LockHolder {
  format: typeof LOCK_FORMAT;
  pid: number;
  host: string;
  bootId: string | null;
  /** Start time of the process in clock ticks since boot (Linux), or null elsewhere. */
  procStart: number | null;
  startedAt: string;
  command: string;
  token: string;
}

/** A directory is locked by a live writer. `name` is "DirLockedError" (the CLI exits 2). */
export class DirLockedError extends InputError {
  constructor(
    message: string,
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    // A directory another process is writing is the user's to resolve: an InputError on `dir`.
    super(dir, message.startsWith(`${dir}: `) ? message.slice(dir.length + 2) : message);
    this.name = "DirLockedError";
  }
}

export interface DirLock {
  dir: string;
  file: string;
  holder: LockHolder;
  /** The stale lock this acquisition replaced, if any (say so to the user). */
  tookOver: LockHolder | null;
  /** Why the replaced lock was stale. */
  staleReason: string | null;
  release(): void;
}

function readBootId(): string | null {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in ticks since boot), or null if unavailable. */
function procStartTime(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm (field 2) may hold spaces and parentheses: split after its last ")".
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why `h` is stale, or null when its holder may still be running. */
export function staleReason(h: LockHolder): string | null {
  if (h.host !== os.hostname()) return null;
  const boot = readBootId();
  if (h.bootId && boot && h.bootId !== boot) return "the machine has rebooted since";
  if (!pidAlive(h.pid)) return `process ${h.pid} is gone`;
  if (h.procStart !== null) {
    const now = procStartTime(h.pid);
    if (now !== null && now !== h.procStart) return `pid ${h.pid} now belongs to another process`;
  }
  return null;
}

function readHolder(file: string): { text: string; holder: LockHolder | null } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (h?.format === LOCK_FORMAT && Number.isInteger(h.pid) && typeof h.host === "string") return { text, holder: h };
  } catch {
    // unreadable: written by something else; refused below
  }
  return { text, holder: null };
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on host ${h.host} since ${h.startedAt}${h.command ? ` (${h.command})` : ""}`;
}

let takeoverReporter: (msg: string) => void = (msg) => void process.stderr.write(`ghm: ${msg}\n`);

/** Where "took over a stale lock" is said (default: one line on stderr). */
export function setTakeoverReporter(fn: (msg: string) => void): void {
  takeoverReporter = fn;
}

/** Locks held by this process: path -> [holder, depth]. */
const held = new Map<string, { holder: LockHolder; depth: number }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const [file, h] of held) removeIfOurs(file, h.holder.token);
    held.clear();
  });
}

function removeIfOurs(file: string, token: string): void {
  const cur = readHolder(file);
  if (cur?.holder?.token === token) fs.rmSync(file, { force: true });
}

function makeHolder(command: string): LockHolder {
  return {
    format: LOCK_FORMAT,
    pid: process.pid,
    host: os.hostname(),
    bootId: readBootId(),
    procStart: procStartTime(process.pid),
    startedAt: new Date().toISOString(),
    command,
    token: `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
  };
}

/** Creates `file` holding `text` only if it does not exist (complete content or nothing). */
function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  fs.writeFileSync(tmp, text);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the lock of `dir` (created if missing) for `command` (shown to a second
 * writer). Throws DirLockedError when a live process holds it; takes over a stale one.
 * `lockName` picks another file in `dir` (e.g. one lock per experiment job).
 */
export function acquireDirLock(
  dir: string,
  command: string = [path.basename(process.argv[1] ?? "node"), ...process.argv.slice(2)].join(" "),
  lockName: string = LOCK_FILE,
): DirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, lockName);
  const mine = held.get(file);
  if (mine) {
    mine.depth++;
    return handle(dir, file, mine.holder, null, null);
  }
  const holder = makeHolder(command);
  const text = `${JSON.stringify(holder)}\n`;
  let tookOver: LockHolder | null = null;
  let reason: string | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, text)) {
      held.set(file, { holder, depth: 1 });
      installExitHook();
      const lock = handle(dir, file, holder, tookOver, reason);
      if (tookOver) takeoverReporter(takeoverMessage(lock));
      return lock;
    }
    const cur = readHolder(file);
    if (cur === null) continue; // released meanwhile
    if (cur.holder === null) {
      throw new DirLockedError(
        `${dir} is locked by ${file}, which is not a ${LOCK_FORMAT} file; delete it if no other ghm process writes ${dir}`,
        dir,
        null,
      );
    }
    const why = staleReason(cur.holder);
    if (why === null) {
      const remote =
        cur.holder.host !== os.hostname()
          ? `; it runs on another host, so if that process is gone, delete ${file}`
          : "";
      throw new DirLockedError(
        `${dir} is in use by another ghm process: ${describeHolder(cur.holder)}; wait for it to finish or stop it${remote}`,
        dir,
        cur.holder,
      );
    }
    // Stale: replace it, one taker at a time.
    const mutex = `${file}.takeover`;
    if (!createExclusive(mutex, text)) {
      const m = readHolder(mutex);
      if (m?.holder && staleReason(m.holder) !== null) fs.rmSync(mutex, { force: true });
      sleepSync(20);
      continue;
    }
    try {
      const again = readHolder(file);
      if (again !== null && again.text === cur.text) {
        fs.rmSync(file, { force: true });
        tookOver = cur.holder;
        reason = why;
      }
    } finally {
      removeIfOurs(mutex, holder.token);
    }
  }
  throw new DirLockedError(`${dir}: could not take ${file} (contended); try again`, dir, null);
}

function handle(
  dir: string,
  file: string,
  holder: LockHolder,
  tookOver: LockHolder | null,
  reason: string | null,
): DirLock {
  let released = false;
  return {
    dir,
    file,
    holder,
    tookOver,
    staleReason: reason,
    release(): void {
      if (released) return;
      released = true;
      const h = held.get(file);
      if (!h) return;
      if (--h.depth > 0) return;
      held.delete(file);
      removeIfOurs(file, h.holder.token);
    },
  };
}

/** Runs `fn` holding the lock of `dir`. */
export async function withDirLock<T>(
  dir: string,
  fn: () => Promise<T>,
  o: { command?: string; lockName?: string } = {},
): Promise<T> {
  const lock = acquireDirLock(dir, o.command, o.lockName);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

export function takeoverMessage(lock: DirLock): string {
  return `took over the stale lock of ${lock.dir} (${lock.tookOver ? describeHolder(lock.tookOver) : "unknown holder"}: ${lock.staleReason})`;
}
