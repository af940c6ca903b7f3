import { InputError, isInputError } from "@ghmkit/ghm";

/**
 * A mistake the user can fix in an experiment's config, directory or job spec: an
 * InputError (the CLI maps it to exit 2). Its message is the sentence given, which names
 * the field; `field` is that sentence's leading `field:` when it has one.
 */
export class ExperimentError extends InputError {
  constructor(message: string, field = /^([\w.[\]-]+):/.exec(message)?.[1] ?? "") {
    super(field, message);
    this.message = message;
    this.name = "ExperimentError";
  }
}

/**
 * Runs `fn` on user-supplied settings and re-labels the InputErrors the libraries throw
 * (a grammar, a size, a schedule) as ExperimentError, prefixed with what was being built.
 * Anything else (a RangeError from a bug, say) passes through unchanged.
 */
export function asUserInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ExperimentError || !isInputError(err)) throw err;
    throw new ExperimentError(`${what}: ${err.message}`, err.field);
  }
}
