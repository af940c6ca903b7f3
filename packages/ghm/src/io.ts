/**
 * Grammar files. Writes go to a temporary file in the same directory and are then
 * renamed over the target (atomic on POSIX), so a crash or a full disk never
 * leaves a half-written grammar behind.
 */
import * as fs from "node:fs";

import type { Grammar } from "./grammar";
import { GrammarError } from "./grammarError";
import { InputError } from "./inputError";
import { type ParseOptions, grammarToJson, parseGrammar, validateGrammar } from "./format";
import { writeFileAtomic } from "./atomic";

/** Read and validate a ghm/v1 file. Errors name the file; GrammarErrors keep their path. */
export function readGrammarFile(file: string, options: ParseOptions = {}): Grammar {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    // A path that names no file is the user's mistake; other read failures are the environment's.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR")
      throw new InputError(file, `cannot read grammar file: ${(err as Error).message}`, "check the path");
    throw new Error(`cannot read grammar file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GrammarError("", `${file} is not valid JSON (${(err as Error).message})`);
  }
  try {
    return parseGrammar(json, options);
  } catch (err) {
    if (err instanceof GrammarError) throw new GrammarError(err.path, `${err.detail} (in ${file})`);
    throw err;
  }
}

/** Validate g, then write it as ghm/v1 JSON atomically (temp file + rename). */
export function writeGrammarFile(file: string, g: Grammar): void {
  validateGrammar(g);
  let text: string;
  try {
    text = `${JSON.stringify(grammarToJson(g))}\n`;
  } catch (err) {
    throw new GrammarError(
      "",
      `too large to serialise as one JSON string (${(err as Error).message})`,
      "use product or rules kernels",
    );
  }
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    const cause = ((err as Error).cause as Error | undefined) ?? (err as Error);
    throw new Error(`cannot write grammar file ${file}: ${cause.message}`, { cause: err });
  }
}
