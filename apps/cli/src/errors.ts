import { InputError, isInputError } from "@ghmkit/ghm";
import { errorField } from "./errorOutput";

/**
 * A mistake the user can fix (bad flag, bad file, impossible size), raised by the CLI
 * itself: an InputError whose message is the one sentence given (it names the flag or
 * field; `field` is the first flag or `field:` it mentions). The CLI prints any
 * InputError on one line and exits with code 2; anything else is a bug and exits 1.
 */
export class UserError extends InputError {
  constructor(message: string, field: string = errorField(message) ?? "", hint = "") {
    super(field, message, hint);
    this.message = hint === "" ? message : `${message} (${hint})`;
    this.name = "UserError";
  }
}

export const EXIT_USER_ERROR = 2;

/**
 * Runs `fn` on user-supplied input and prefixes the InputErrors the libraries throw
 * (GrammarError, a bad size, a bad option) with what was being read. Anything else
 * passes through unchanged: a RangeError or TypeError is a bug, not a user mistake.
 */
export function asUserInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw relabel(what, err);
  }
}

/** asUserInput for asynchronous work (loading a model, a run directory). */
export async function asUserInputAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw relabel(what, err);
  }
}

function relabel(what: string, err: unknown): unknown {
  if (err instanceof UserError) return err;
  if (isInputError(err)) return new UserError(`${what}: ${err.message}`, err.field);
  return err;
}
