import { Grammar, parseGrammar } from "@ghmkit/ghm";
import { asUserInput } from "./errors";
import { readJsonFile } from "./io";

/** Loads and validates a ghm/v1 grammar given with `--grammar FILE`. */
export function loadGrammar(file: string, flag = "--grammar"): Grammar {
  const json = readJsonFile(file, flag);
  return asUserInput(`${flag} ${file}`, () => parseGrammar(json));
}
