/**
 * The one error type for user mistakes, shared by every ghmkit package: a bad field of
 * a grammar, config, evidence or option, or a size that cannot fit. `field` locates the
 * bad value (`levels[2].rules[5][1].p`, `config.train.lr`, `--batch`), `hint` says how
 * to fix it. Applications map exactly this class to a user-facing message (the CLI:
 * exit code 2); anything else thrown by a package is a bug.
 */
export class InputError extends Error {
  /** Location of the bad value; "" for the document or call as a whole. */
  readonly field: string;
  /** What is wrong, without the field prefix or the hint. */
  readonly detail: string;
  /** How to fix it; "" when the detail already says so. */
  readonly hint: string;

  constructor(field: string, detail: string, hint = "") {
    super(`${field === "" ? "<input>" : field}: ${detail}${hint === "" ? "" : ` (${hint})`}`);
    this.name = "InputError";
    this.field = field;
    this.detail = detail;
    this.hint = hint;
  }
}

/** True for an InputError from any copy of @ghmkit/ghm (two installed copies have two classes). */
export function isInputError(err: unknown): err is InputError {
  return (
    err instanceof InputError ||
    (err instanceof Error && typeof (err as Partial<InputError>).field === "string" && "hint" in err)
  );
}
