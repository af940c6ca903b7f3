import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, tempDir } from "../testing/harness";

test("suite: runs the chosen experiments and writes one report with their figures and headline numbers", async () => {
  const dir = tempDir();
  const r = await ghm(
    "experiment",
    "suite",
    "--preset",
    "tiny",
    "--only",
    "phase-transition,approximation",
    "--out",
    dir,
  );
  expect(r.code).toBe(0);
  expect(r.out).toContain(`report: ${path.join(dir, "report.md")}`);
  expect(r.out).toMatch(/critical noise vp L=2/);
  const report = fs.readFileSync(path.join(dir, "report.md"), "utf8");
  expect(report).toContain("phase-transition/figures/class-agreement.png");
  expect(report).toContain("approximation/figures/error-vs-width.png");
  const summary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"));
  expect(summary.experiments.map((e: { name: string }) => e.name)).toEqual(["approximation", "phase-transition"]);
});

test("suite: an unknown experiment name exits 2", async () => {
  const r = await ghm("experiment", "suite", "--only", "nope", "--out", tempDir());
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/unknown experiment "nope"/);
});

test("suite --jobs 2 runs every job in worker processes, with the same rows as in-process", async () => {
  const HOOK = path.join(__dirname, "..", "testing", "swcRegister.cjs");
  const MAIN = path.join(__dirname, "..", "main.ts");
  const base = tempDir();
  const prev = process.env.GHM_CLI;
  process.env.GHM_CLI = `${process.execPath} -r ${HOOK} ${MAIN}`;
  try {
    const r = await ghm(
      "-q",
      "experiment",
      "suite",
      "--preset",
      "tiny",
      "--only",
      "phase-transition",
      "--jobs",
      "2",
      "--out",
      path.join(base, "pool"),
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  } finally {
    if (prev === undefined) delete process.env.GHM_CLI;
    else process.env.GHM_CLI = prev;
  }
  expect(
    (
      await ghm(
        "-q",
        "experiment",
        "suite",
        "--preset",
        "tiny",
        "--only",
        "phase-transition",
        "--out",
        path.join(base, "local"),
      )
    ).code,
  ).toBe(0);
  const rows = (d: string) => fs.readFileSync(path.join(base, d, "phase-transition", "results.jsonl"), "utf8");
  expect(rows("pool")).toBe(rows("local"));
}, 120_000);
