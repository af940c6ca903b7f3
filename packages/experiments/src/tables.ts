/** Result rows as JSON lines and CSV (RFC 4180 quoting; null and non-finite numbers as empty cells). */
import type { Row } from "./types";

export function toJsonl(rows: Row[]): string {
  return (
    rows
      .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v)))
      .join("\n") + (rows.length ? "\n" : "")
  );
}

/** Columns in first-seen order over all rows. */
export function columns(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(rows: Row[]): string {
  const cols = columns(rows);
  const lines = [cols.map(cell).join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))];
  return `${lines.join("\n")}\n`;
}
