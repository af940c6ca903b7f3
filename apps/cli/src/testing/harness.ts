import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../program";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with captured output. */
export async function ghm(...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const code = await run(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}

/** As `ghm`, with `stdin` as what a `-` file argument reads. */
export async function ghmWithStdin(stdin: string, ...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const code = await run(argv, {
    out: (s) => (out += `${s}\n`),
    err: (s) => (err += `${s}\n`),
    isTTY: false,
    stdin: () => stdin,
  });
  return { code, out, err };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ghm-cli-"));
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** `ghm grammar random FLAGS --out file` (FLAGS split on spaces); fails the test with ghm's stderr unless it exits 0. */
export async function randomGrammar(file: string, flags: string): Promise<string> {
  const r = await ghm("grammar", "random", ...flags.split(" "), "--out", file);
  if (r.code !== 0) throw new Error(`ghm grammar random ${flags} exited ${r.code}: ${r.err}`);
  return file;
}
