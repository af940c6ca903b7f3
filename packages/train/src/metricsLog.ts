/**
 * The JSONL metrics log: one JSON object per evaluation, one line each. Each line
 * is appended by a single write, so a crash can at worst leave a partial last
 * line, which readers skip. On resume the log is cut back to the checkpoint's
 * step, so a resumed run's log equals an uninterrupted one's.
 */
import * as fs from "node:fs";
import { writeFileAtomic } from "@ghmkit/ghm";

export function appendMetrics(file: string, record: object): void {
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** All complete, parseable lines of a log (an empty list if it does not exist). */
export function readMetrics<T extends { step: number } = { step: number }>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const out: T[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const rec = JSON.parse(line) as T;
      if (typeof rec?.step === "number") out.push(rec);
    } catch {
      // a line cut short by a crash
    }
  }
  return out;
}

/** Keep only the lines of steps <= step (atomically). */
export function truncateMetrics(file: string, step: number): void {
  if (!fs.existsSync(file)) return;
  const kept = readMetrics(file).filter((r) => r.step <= step);
  writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(""));
}
