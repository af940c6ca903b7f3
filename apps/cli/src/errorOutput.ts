import type { Console } from "./output";

/** Kinds of failure in the `--json` error object; the exit code says the same thing. */
export type ErrorCode = "usage" | "invalid_input" | "environment" | "internal";

/** The flag or field a one-line error message is about: `--grammar`, `-n`, `noise`..., else null. */
export function errorField(message: string): string | null {
  const flag = /(?:^|[\s'"(])(--?[a-zA-Z][\w-]*)/.exec(message);
  if (flag) return flag[1];
  const lead = /^([\w.-]+(?: [^\s:]+)?):/.exec(message);
  return lead ? lead[1] : null;
}

/**
 * Prints an error: one line `ghm: MESSAGE` on stderr, and with --json also
 * `{"error":{"code","message","field"}}` on stdout (same exit code either way).
 */
export function printError(
  con: Console,
  argv: readonly string[],
  code: ErrorCode,
  message: string,
  field?: string,
): void {
  const line = message.replace(/\s*\n\s*/g, " ").trim();
  const f = field === undefined || field === "" || field === "<input>" ? errorField(line) : field;
  if (argv.includes("--json")) con.out(JSON.stringify({ error: { code, message: line, field: f } }));

  con.err(`ghm: ${line}`);
}
