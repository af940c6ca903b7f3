import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "./errors";

/** Reads and parses a JSON file, with errors that name the file and the flag. */
export function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${flag} ${file}: no such file`);
    if (code === "EISDIR") throw new UserError(`${flag} ${file}: is a directory, expected a JSON file`);
    throw new UserError(`${flag} ${file}: cannot read (${code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${flag} ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Writes a file so that readers never see a half-written one: write a sibling
 * temp file, fsync, then rename over the target (atomic on POSIX filesystems).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UserError(`output directory ${dir} does not exist: create it first`);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value) + "\n");
}

/** JSON has no infinities: -Infinity travels as null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
