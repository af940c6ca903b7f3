/**
 * Errors of the environment, not of ghm nor of the user's input: a full disk, no
 * permission, a read-only file system, too many open files, a directory that
 * vanished while a command ran. The CLI reports them on one line naming the
 * operation and the path, what was kept, and the exact command that resumes, and
 * exits with EXIT_ENVIRONMENT (74, EX_IOERR in sysexits.h).
 *
 * Exit codes of `ghm`: 0 ok; 1 internal error (a bug: please report it);
 * 2 usage or input error (bad flag, bad file, impossible size, directory in use by
 * another ghm process); 74 environment error (this module).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { shellQuote } from "@ghmkit/experiments";

export const EXIT_ENVIRONMENT = 74;

const CODES: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EMFILE: "too many open files (raise `ulimit -n`)",
  ENFILE: "too many open files on this system",
  EIO: "input/output error",
  ENOENT: "a file or directory vanished while ghm was using it",
  ENOTDIR: "a path component is no longer a directory",
};

const OPS: Record<string, string> = {
  write: "writing",
  open: "opening",
  read: "reading",
  rename: "renaming",
  mkdir: "creating the directory",
  link: "creating",
  unlink: "removing",
  rmdir: "removing",
  scandir: "listing",
  fsync: "flushing",
  close: "closing",
  copyfile: "copying",
  stat: "reading",
  lstat: "reading",
};

export interface Recovery {
  /** What is intact, e.g. "the last complete checkpoint, step 64 (runs/x/checkpoints/step-00000064)". */
  kept: () => string;
  /** The argv (after `ghm`) that resumes; default: the same command. */
  resume?: (argv: string[]) => string[];
}

let recovery: Recovery | null = null;

/** A command says what it keeps and how it resumes, for the report of an environment error. */
export function setRecovery(r: Recovery): void {
  recovery = r;
}

export function resetRecovery(): void {
  recovery = null;
}

type Errno = NodeJS.ErrnoException & { dest?: string };

/** The first error in the cause chain with an errno code this module names. */
function findErrno(err: unknown): Errno | null {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as Errno).code;
    if (typeof code === "string" && code in CODES) return e as Errno;
  }
  // Some libraries (tfjs) rethrow with the message only.
  const m = /\b(ENOSPC|EDQUOT|EROFS|EMFILE|ENFILE)\b[^,]*,\s*(\w+)(?:\s+'([^']+)')?/.exec(
    String((err as Error)?.message ?? ""),
  );
  if (m) return Object.assign(new Error(m[0]), { code: m[1], syscall: m[2], path: m[3] }) as Errno;
  return null;
}

/** One line describing `err` if it is an environment error, else null. */
export function environmentError(err: unknown, argv: string[]): string | null {
  const e = findErrno(err);
  if (e === null) return null;
  const code = e.code!;
  const op = OPS[e.syscall ?? ""] ?? (e.syscall ? `${e.syscall} on` : "using");
  const where = e.path ? `${op} ${e.path}${e.dest ? ` -> ${e.dest}` : ""}` : `${op} a file`;
  let kept = "no file was half-written (every output is written to a temporary file and renamed)";
  let resume = argv;
  if (recovery) {
    try {
      kept = recovery.kept();
    } catch {
      // keep the generic sentence
    }
    if (recovery.resume) resume = recovery.resume(argv);
  }
  const fix =
    code === "ENOSPC" || code === "EDQUOT"
      ? "free some space"
      : code === "EMFILE" || code === "ENFILE"
        ? "close other programs or raise the limit"
        : code === "ENOENT" || code === "ENOTDIR"
          ? "restore the directory"
          : "fix the permissions";
  return `${describe(code)} (${code}) while ${where}; kept: ${kept}; ${fix}, then resume with: ${shellQuote(["ghm", ...resume])}`;
}

function describe(code: string): string {
  return CODES[code] ?? code;
}

/** What a training run directory keeps: its last complete checkpoint (latest.json). */
export function trainRecovery(task: string, out: string, backend?: string): Recovery {
  return {
    kept: () => {
      const latest = path.join(out, "checkpoints", "latest.json");
      if (!fs.existsSync(latest)) return `no checkpoint yet in ${out} (nothing half-written)`;
      const { step, dir } = JSON.parse(fs.readFileSync(latest, "utf8")) as { step: number; dir: string };
      return `the last complete checkpoint, step ${step} (${path.join(out, "checkpoints", dir)}), and metrics.jsonl up to it`;
    },
    resume: (argv) =>
      fs.existsSync(path.join(out, "config.json"))
        ? ["train", task, "--out", out, "--resume", ...(backend ? ["--backend", backend] : [])]
        : argv,
  };
}

/** What an experiment directory keeps: its finished jobs (jobs/<id>.json); rerunning the command resumes. */
export function experimentRecovery(dir: string): Recovery {
  return {
    kept: () => {
      const count = (d: string): number => {
        if (!fs.existsSync(d)) return 0;
        let n = 0;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) n += count(path.join(d, e.name));
          else if (e.name.endsWith(".json") && path.basename(d) === "jobs") n++;
        }
        return n;
      };
      return `${count(dir)} finished job results under ${dir} (jobs/<id>.json, each complete)`;
    },
  };
}
