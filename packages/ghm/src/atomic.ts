/**
 * Crash-safe file writes: everything is written beside its target under a
 * temporary name, flushed, then renamed over it (atomic on POSIX), so a killed run
 * leaves either the old or the new file, never half of one.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Test hook (fault injection): when GHM_FAULT_ENOSPC is set and the path being written
 * contains it, the write fails as on a full disk (ENOSPC) after half the data reached
 * the temporary file. Used by the fault suite (`pnpm soak`) where no small file system
 * can be mounted; unset, it costs one environment lookup.
 */
function injectedFault(target: string, tmp: string, data?: string | Uint8Array): void {
  const pattern = process.env.GHM_FAULT_ENOSPC;
  if (!pattern || !target.includes(pattern)) return;
  if (data !== undefined)
    fs.writeFileSync(
      tmp,
      typeof data === "string" ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1),
    );
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${tmp}'`), {
    code: "ENOSPC",
    errno: -28,
    syscall: "write",
    path: tmp,
  });
}

function tmpName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = tmpName(file);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      injectedFault(file, tmp, data);
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fill a fresh temporary directory with `fill`, then rename it to `dir` (replacing
 * an existing one). Readers see the complete directory or none.
 */
export async function writeDirAtomic(dir: string, fill: (tmp: string) => Promise<void> | void): Promise<void> {
  const tmp = tmpName(dir);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    injectedFault(dir, tmp);
    if (fs.existsSync(dir)) {
      const old = tmpName(`${dir}.old`);
      fs.renameSync(dir, old);
      fs.renameSync(tmp, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, dir);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
