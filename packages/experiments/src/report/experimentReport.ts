/** report.md of one experiment directory: measured findings, table, figures, configuration, seeds, jobs. */
import * as path from "node:path";
import { writeFileAtomic } from "../io";
import { fmt } from "../format";
import type { JobFile, PlanFile } from "../files";
import { paths } from "../files";
import type { AnyExperiment, Summary, Verdict } from "../types";
import { mdCode, mdFigure, mdTable } from "./markdown";
import type { RenderedFigure } from "./render";

export interface ReportInput {
  dir: string;
  exp: AnyExperiment;
  plan: PlanFile;
  files: JobFile[];
  missing: string[];
  summary: Summary;
  figures: RenderedFigure[];
  /** Wall time of the command that ran the jobs, when known. */
  wallS?: number;
  fonts: boolean;
}

export function relativeFigure(dir: string, f: RenderedFigure): { png: string; svg: string } {
  return { png: path.relative(dir, f.png), svg: path.relative(dir, f.svg) };
}

/** The claims table: hypothesis, tested quantity, measured value with interval, verdict and why. */
export function verdictSection(verdicts: Verdict[]): string[] {
  if (verdicts.length === 0) return [];
  return [
    "## Claims and verdicts",
    "",
    mdTable(
      ["hypothesis", "quantity", "measured (95% interval)", "verdict", "why"],
      verdicts.map((v) => [v.hypothesis, v.quantity, v.measured, `**${v.verdict}**`, v.why]),
      (x) => fmt(x),
    ),
    "",
  ];
}

/** Writes report.md and returns its path. */
export function writeReport(r: ReportInput): string {
  const { exp, plan, files, summary } = r;
  const backends = [...new Set(files.map((f) => f.backend))];
  const jobWall = files.reduce((a, f) => a + f.wallS, 0);
  const seeds = (plan.config as { seeds?: Record<string, number> }).seeds;
  const lines: string[] = [
    `# ${exp.title}`,
    "",
    `**Tests:** ${exp.claim}`,
    "",
    ...verdictSection(summary.verdicts),
    "## What was measured",
    "",
    ...summary.findings.map((f) => `- ${f}`),
    "",
  ];
  if (r.missing.length > 0) {
    lines.push(
      `> **Incomplete:** ${r.missing.length} of ${plan.jobs.length} jobs have no result yet (${r.missing.join(", ")}); the table and figures show the others.`,
      "",
    );
  }
  lines.push(
    "## Results",
    "",
    mdTable(summary.header, summary.rows, (x) => fmt(x)),
    "",
    "## Figures",
    "",
  );
  for (const f of r.figures) {
    const rel = relativeFigure(r.dir, f);
    lines.push(mdFigure(f.title, rel.png, rel.svg), "");
  }
  if (!r.fonts)
    lines.push(
      "> No system fonts were found: PNG figures have no text (install fonts-dejavu-core); the SVGs are complete.",
      "",
    );
  lines.push(
    "## Run",
    "",
    `- Experiment: \`${exp.name}\`, preset \`${plan.preset}\`, ${plan.jobs.length} jobs`,
    `- Backend: ${backends.join("; ") || "–"}`,
    `- Wall time: ${r.wallS !== undefined ? `${fmt(r.wallS, 3)} s for the command, ` : ""}${fmt(jobWall, 3)} s summed over jobs`,
    `- Seeds: ${
      seeds
        ? Object.entries(seeds)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")
        : "see configuration"
    }`,
    `- Raw results: [results.jsonl](${path.basename(paths.jsonl(r.dir))}), [results.csv](${path.basename(paths.csv(r.dir))}); per job: \`jobs/<id>.json\``,
    `- Reproduce: \`ghm experiment ${exp.name} --config ${path.join(r.dir, "config.json")} --out NEW_DIR\` ([config.json](config.json) holds every setting and seed); \`--plan\` lists one command per job.`,
    "",
    "### Configuration",
    "",
    mdCode(JSON.stringify(plan.config, null, 2), "json"),
    "",
    "### Jobs",
    "",
    mdTable(
      ["job", "parameters", "wall s", "backend"],
      plan.jobs.map((j) => {
        const f = files.find((x) => x.id === j.id);
        return [j.id, JSON.stringify(j.params), f ? f.wallS : null, f ? f.backend : "missing"];
      }),
      (x) => fmt(x, 3),
    ),
    "",
  );
  const file = paths.report(r.dir);
  writeFileAtomic(file, lines.join("\n"));
  return file;
}
