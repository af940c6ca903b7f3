/**
 * Test helper: plans, runs and collects one experiment at the tiny preset through the
 * library (as `ghm experiment NAME --preset tiny` does), and checks every output file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveConfig } from "../config";
import { getExperiment } from "../registry";
import { collect, executePlan, writePlan } from "../runner";
import type { Row } from "../types";

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ghm-exp-"));
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export interface TinyRun {
  rows: Row[];
  summary: { headline: Record<string, unknown>; verdicts?: unknown[] };
  report: string;
  config: any;
}

/** Runs experiment `name` at the tiny preset (with `sets` applied, as --set) into `dir`. */
export async function runTiny(name: string, dir: string, sets: string[] = []): Promise<TinyRun> {
  const exp = getExperiment(name);
  const config = resolveConfig(exp, { preset: "tiny", sets });
  const plan = writePlan(exp, config, "tiny", dir);
  await executePlan(plan, dir, { jobs: 1 });
  const out = await collect(dir);
  expect(out.missing).toEqual([]);
  const rows = fs
    .readFileSync(path.join(dir, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const csv = fs.readFileSync(path.join(dir, "results.csv"), "utf8").trim().split("\n");
  expect(csv).toHaveLength(rows.length + 1);
  expect(fs.readFileSync(path.join(dir, "results.jsonl"), "utf8")).not.toContain("NaN");
  for (const f of out.figures) {
    const bytes = fs.readFileSync(f.png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    const svg = fs.readFileSync(f.svg, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<text"); // axis titles were laid out
  }
  const report = fs.readFileSync(out.report, "utf8");
  for (const f of out.figures) expect(report).toContain(`figures/${path.basename(f.png)}`);
  return { rows, summary: readJson(path.join(dir, "summary.json")), report, config };
}
