import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, readJson, tempDir } from "../testing/harness";

describe("--plan, run-one and collect", () => {
  it("prints one self-contained command per job; running them anywhere and collecting gives the report", async () => {
    const dir = path.join(tempDir(), "pt");
    let r = await ghm("experiment", "phase-transition", "--preset", "tiny", "--out", dir, "--plan");
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["vp-L2-s0", "vp-L2-s1", "vp-L3-s0", "vp-L3-s1"]);
    for (const l of lines) {
      expect(l.argv).toContain("run-one");
      expect(l.command).toContain("run-one");
    }
    // Nothing ran yet: collect refuses.
    r = await ghm("experiment", "collect", dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no job has finished/);

    // Run the first job as a scheduler would (here in-process, with the planned arguments).
    const runOne = (l: { argv: string[] }) => ghm(...l.argv.slice(l.argv.indexOf("--quiet")));
    expect((await runOne(lines[0])).code).toBe(0);
    r = await ghm("--json", "experiment", "collect", dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).missing).toEqual(["vp-L2-s1", "vp-L3-s0", "vp-L3-s1"]);
    expect(fs.readFileSync(path.join(dir, "report.md"), "utf8")).toMatch(/Incomplete.*vp-L3/);

    for (const l of lines.slice(1)) expect((await runOne(l)).code).toBe(0);
    r = await ghm("--json", "experiment", "collect", dir);
    expect(JSON.parse(r.out).missing).toEqual([]);
    expect(readJson(path.join(dir, "jobs", "vp-L3-s1.json")).rows.length).toBeGreaterThan(0);
  });

  it("a rerun keeps finished jobs; another config in the same directory is refused", async () => {
    const dir = path.join(tempDir(), "pt");
    expect((await ghm("-q", "experiment", "phase-transition", "--preset", "tiny", "--out", dir)).code).toBe(0);
    const before = fs.statSync(path.join(dir, "jobs", "vp-L2-s0.json")).mtimeMs;
    expect((await ghm("-q", "experiment", "phase-transition", "--preset", "tiny", "--out", dir)).code).toBe(0);
    expect(fs.statSync(path.join(dir, "jobs", "vp-L2-s0.json")).mtimeMs).toBe(before);
    const r = await ghm("experiment", "phase-transition", "--preset", "tiny", "--set", "n=7", "--out", dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/another configuration/);
  });

  it("run-one refuses a job that is not in its config", async () => {
    const spec = { experiment: "phase-transition", config: { bogus: 1 }, job: { id: "x", params: {} } };
    let r = await ghm("experiment", "run-one", "--spec", JSON.stringify(spec), "--out", tempDir());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bogus/);
    r = await ghm("experiment", "run-one", "--spec", "{", "--out", tempDir());
    expect(r.code).toBe(2);
  });
});
