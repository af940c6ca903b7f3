/**
 * A mistake the user can fix (bad flag, bad file, impossible size). The CLI
 * prints its message on one line and exits with code 2; anything else is a bug
 * and exits 1.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export const EXIT_USER_ERROR = 2;

/**
 * Runs `fn` on user-supplied input and re-labels the validation errors the
 * libraries throw (GrammarError, RangeError, TypeError from parsers) as
 * UserError, prefixed with what was being read.
 */
export function asUserInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (err instanceof Error && isValidationError(err)) throw new UserError(`${what}: ${err.message}`);
    throw err;
  }
}

function isValidationError(err: Error): boolean {
  return (
    err.name === "GrammarError" ||
    err instanceof RangeError ||
    err instanceof TypeError ||
    err instanceof SyntaxError ||
    err.name === "ValidationError"
  );
}
