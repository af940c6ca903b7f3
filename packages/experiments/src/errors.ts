/**
 * A mistake the user can fix in an experiment's config, directory or job spec. Its
 * name is "ExperimentError", so callers (the CLI) can treat it as a usage error
 * (exit 2) without depending on this class's identity.
 */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExperimentError";
  }
}

/**
 * Runs `fn` on user-supplied settings and re-labels the validation errors the
 * libraries throw (GrammarError, RangeError, TypeError) as ExperimentError,
 * prefixed with what was being built.
 */
export function asUserInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ExperimentError) throw err;
    if (err instanceof Error && (err.name === "GrammarError" || err instanceof RangeError || err instanceof TypeError))
      throw new ExperimentError(`${what}: ${err.message}`);
    throw err;
  }
}
