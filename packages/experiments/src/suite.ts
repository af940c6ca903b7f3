/**
 * `ghm experiment suite`: every experiment with one preset into DIR/<name>/, then
 * DIR/report.md with each experiment's measured findings, headline numbers and
 * figures, and DIR/summary.json.
 */
import * as path from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "./io";
import { fmt } from "./format";
import { relativeFigure, verdictSection } from "./report/experimentReport";
import { mdFigure, mdTable } from "./report/markdown";
import type { CollectResult } from "./runner";
import type { Preset } from "./types";

export interface SuiteEntry {
  result: CollectResult;
  /** Seconds of job time summed over the experiment's jobs (they share one pool, so no per-experiment wall time exists). */
  wallS: number;
}

export function headlineLines(r: CollectResult): string[] {
  return [
    ...r.summary.verdicts.map((v) => `${v.verdict.toUpperCase()}: ${v.hypothesis} (${v.quantity}: ${v.measured})`),
    ...Object.entries(r.summary.headline).map(
      ([k, v]) => `${k}: ${v === null ? "–" : typeof v === "number" ? fmt(v) : v}`,
    ),
  ];
}

/** Writes DIR/report.md and DIR/summary.json; returns the report path. */
export function writeSuiteReport(
  dir: string,
  preset: Preset,
  entries: SuiteEntry[],
  wallS: number,
  backend: string,
): string {
  const lines = [
    "# ghmkit experiment suite",
    "",
    `Preset \`${preset}\`; ${entries.length} experiments; wall time ${fmt(wallS, 3)} s; tensor backend: ${backend}.`,
    "Every number below was measured by this run; each experiment's own report lists its configuration, seeds, jobs and raw results.",
    "",
    mdTable(
      ["experiment", "jobs", "job s (summed)", "report"],
      entries.map((e) => [
        e.result.experiment.name,
        e.result.plan.jobs.length,
        e.wallS,
        `[report](${path.relative(dir, e.result.report)})`,
      ]),
      (x) => fmt(x, 3),
    ),
    "",
    "## Every claim at a glance",
    "",
    mdTable(
      ["experiment", "hypothesis", "measured (95% interval)", "verdict"],
      entries.flatMap((e) =>
        e.result.summary.verdicts.map((v) => [e.result.experiment.name, v.hypothesis, v.measured, `**${v.verdict}**`]),
      ),
      (x) => fmt(x, 3),
    ),
    "",
  ];
  for (const e of entries) {
    const r = e.result;
    lines.push(
      `## ${r.experiment.title}`,
      "",
      `**Tests:** ${r.experiment.claim}`,
      "",
      ...verdictSection(r.summary.verdicts).map((l) => l.replace(/^## /, "### ")),
      ...r.summary.findings.map((f) => `- ${f}`),
      "",
    );
    for (const f of r.figures) {
      const rel = relativeFigure(r.dir, f);
      lines.push(
        mdFigure(f.title, path.join(path.relative(dir, r.dir), rel.png), path.join(path.relative(dir, r.dir), rel.svg)),
        "",
      );
    }
    lines.push(`Details: [${path.relative(dir, r.report)}](${path.relative(dir, r.report)})`, "");
  }
  const file = path.join(dir, "report.md");
  writeFileAtomic(file, lines.join("\n"));
  writeJsonAtomic(path.join(dir, "summary.json"), {
    preset,
    wallS,
    backend,
    experiments: entries.map((e) => ({
      name: e.result.experiment.name,
      dir: e.result.dir,
      report: e.result.report,
      wallS: e.wallS,
      headline: e.result.summary.headline,
      verdicts: e.result.summary.verdicts,
      missing: e.result.missing,
    })),
  });
  return file;
}
