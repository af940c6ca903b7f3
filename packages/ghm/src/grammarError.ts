import { InputError } from "./inputError";

/**
 * The error every grammar validator throws. `path` locates the bad field in the
 * input document (`levels[2].rules[5][1].p`, or `[1][3][0][2]` for an imported
 * rule tensor) so that a user can find it in a file of megabytes.
 * A grammar is user input, so this is an InputError.
 */
export class GrammarError extends InputError {
  /** Location of the bad field; "" for the document itself (the same as `field`). */
  readonly path: string;

  constructor(path: string, detail: string, hint = "") {
    super(path === "" ? "<document>" : path, detail, hint);
    this.name = "GrammarError";
    this.path = path;
  }
}

/** `["levels", 2, "rules", 5, 1, "p"]` -> `levels[2].rules[5][1].p`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Short description of an offending value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return `an array of ${v.length} entries`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v} (${String(v)})`;
}
