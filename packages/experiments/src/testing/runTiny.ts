import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, readJson } from "./cli";

/** Runs `ghm --quiet experiment NAME --preset tiny --out DIR ...extra` and checks every output file. */
export async function runTiny(name: string, dir: string, ...extra: string[]): Promise<{ rows: Record<string, unknown>[]; summary: { headline: Record<string, unknown> }; report: string }> {
  const r = await ghm("--json", "experiment", name, "--preset", "tiny", "--out", dir, ...extra);
  if (r.code !== 0) throw new Error(`ghm experiment ${name} exited ${r.code}: ${r.err}`);
  const out = JSON.parse(r.out);
  expect(out.missing).toEqual([]);
  const rows = fs.readFileSync(path.join(dir, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const csv = fs.readFileSync(path.join(dir, "results.csv"), "utf8").trim().split("\n");
  expect(csv).toHaveLength(rows.length + 1);
  expect(fs.readFileSync(path.join(dir, "results.jsonl"), "utf8")).not.toContain("NaN");
  for (const png of out.figures as string[]) {
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    const svg = fs.readFileSync(png.replace(/\.png$/, ".svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<text"); // axis titles were laid out
  }
  const report = fs.readFileSync(out.report, "utf8");
  for (const png of out.figures as string[]) expect(report).toContain(`figures/${path.basename(png)}`);
  expect(readJson(path.join(dir, "config.json"))).toBeTruthy();
  return { rows, summary: readJson(path.join(dir, "summary.json")), report };
}
