import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic as atomicWrite } from "@ghmkit/ghm";
import { UserError } from "./errors";
import type { Console } from "./output";

/** `-` as a file argument: stdin for inputs, stdout for outputs. */
export const STDIO = "-";

let stdinReader: () => string = () => fs.readFileSync(0, "utf8");
let stdinTakenBy: string | null = null;

/** Binds `-` inputs to this reader (tests pass a string; the CLI reads fd 0). Called once per run. */
export function setStdin(reader?: () => string): void {
  stdinReader = reader ?? (() => fs.readFileSync(0, "utf8"));
  stdinTakenBy = null;
}

function readStdin(flag: string): string {
  if (stdinTakenBy !== null)
    throw new UserError(`${flag} -: stdin is already read by ${stdinTakenBy}; only one input can be -`);
  stdinTakenBy = flag;
  try {
    return stdinReader();
  } catch (err) {
    throw new UserError(`${flag} -: cannot read stdin (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Reads and parses a JSON file, with errors that name the file and the flag. */
export function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = file === STDIO ? readStdin(flag) : fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${flag} ${file}: no such file`);
    if (code === "EISDIR") throw new UserError(`${flag} ${file}: is a directory, expected a JSON file`);
    throw new UserError(`${flag} ${file}: cannot read (${code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    if (file === STDIO && text.trim() === "")
      throw new UserError(
        `${flag} -: stdin is empty, expected JSON (pipe a file in, e.g. ghm sample ... --out - | ghm ...)`,
      );
    throw new UserError(`${flag} ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Atomic write (ghm's temp file + rename), with a user-facing error for a missing directory. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UserError(`output directory ${dir} does not exist: create it first`);
  atomicWrite(file, data);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value)}\n`);
}

/** Writes a JSON document to `file`, or to stdout (one line) when it is `-`. */
export function writeJsonOut(con: Console, file: string, value: unknown): void {
  if (file === STDIO) con.out(JSON.stringify(value));
  else writeJsonAtomic(file, value);
}

/** JSON has no infinities: -Infinity travels as null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
