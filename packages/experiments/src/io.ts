import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic as atomicWrite } from "@ghmkit/ghm";
import { ExperimentError } from "./errors";

/** Reads and parses a JSON file, with errors that name the file and the flag. */
export function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ExperimentError(`${flag} ${file}: no such file`);
    if (code === "EISDIR") throw new ExperimentError(`${flag} ${file}: is a directory, expected a JSON file`);
    throw new ExperimentError(`${flag} ${file}: cannot read (${code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ExperimentError(`${flag} ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Atomic write (ghm's temp file + rename), with a user-facing error for a missing directory. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new ExperimentError(`output directory ${dir} does not exist: create it first`);
  atomicWrite(file, data);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value)}\n`);
}
