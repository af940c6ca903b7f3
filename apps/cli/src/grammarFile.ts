import { type Grammar, parseGrammar } from "@ghmkit/ghm";
import { asUserInput, UserError } from "./errors";
import { readJsonFile } from "./io";

/** Loads and validates a ghm/v1 grammar given with `--grammar FILE` (`-` = stdin). */
export function loadGrammar(file: string, flag = "--grammar"): Grammar {
  const json = readJsonFile(file, flag);
  return withCliSizeLimit(() => asUserInput(`${flag} ${file}`, () => parseGrammar(json)));
}

/**
 * The library's size refusals end with "or raise maxEntries", an option of its calls
 * that the CLI does not expose: say so instead of pointing at a flag that does not exist.
 */
export function withCliSizeLimit<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UserError && /raise maxEntries/.test(err.message)) {
      throw new UserError(
        err.message.replace(
          /,? or raise maxEntries/,
          " (the CLI's limit is fixed; library calls take a larger maxEntries option)",
        ),
      );
    }
    throw err;
  }
}
