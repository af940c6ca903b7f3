import { z } from "zod";
import { UserError } from "../errors";

/** Validates `json` with a zod schema; the error names the file, the field path and what was expected. */
export function parseWith<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.length ? formatPath(issue.path) : "(top level)";
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem(s))` : "";
  throw new UserError(`${what}: ${path}: ${issue.message}${more}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** A non-negative integer symbol. */
export const symbol = z.number().int().min(0);
