/**
 * Scale-out as the README shows it: `--plan sh` piped into GNU parallel, then
 * `collect`. Each planned command runs the CLI from sources in its own process
 * (GHM_CLI); skipped where GNU parallel is not installed (CI installs it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, readJson, tempDir } from "../testing/harness";

const HOOK = path.join(__dirname, "..", "testing", "swcRegister.cjs");
const MAIN = path.join(__dirname, "..", "main.ts");
const hasParallel = spawnSync("parallel", ["--version"], { stdio: "ignore" }).status === 0;

(hasParallel ? test : test.skip)(
  "a tiny plan through GNU parallel gives the same results as an in-process run",
  async () => {
    const base = tempDir();
    const viaParallel = path.join(base, "parallel");
    const inProcess = path.join(base, "local");
    const prev = process.env.GHM_CLI;
    process.env.GHM_CLI = `${process.execPath} -r ${HOOK} ${MAIN}`;
    let plan: Awaited<ReturnType<typeof ghm>>;
    try {
      plan = await ghm("experiment", "phase-transition", "--preset", "tiny", "--out", viaParallel, "--plan", "sh");
    } finally {
      if (prev === undefined) delete process.env.GHM_CLI;
      else process.env.GHM_CLI = prev;
    }
    expect(plan.code).toBe(0);
    const commands = plan.out.trim().split("\n");
    const planned = readJson(path.join(viaParallel, "plan.json")).jobs.map((j: { id: string }) => j.id);
    expect(commands).toHaveLength(planned.length);
    execFileSync("parallel", ["--will-cite", "--halt", "now,fail=1", "-j", "2"], {
      input: `${commands.join("\n")}\n`,
      stdio: ["pipe", "ignore", "pipe"],
    });
    for (const id of planned) expect(fs.existsSync(path.join(viaParallel, "jobs", `${id}.json`))).toBe(true);
    expect((await ghm("-q", "experiment", "collect", viaParallel)).code).toBe(0);

    expect((await ghm("-q", "experiment", "phase-transition", "--preset", "tiny", "--out", inProcess)).code).toBe(0);
    const rows = (dir: string) => fs.readFileSync(path.join(dir, "results.jsonl"), "utf8");
    // Exact BP on seeded data: the rows are identical wherever the jobs ran.
    expect(rows(viaParallel)).toBe(rows(inProcess));
  },
  120_000,
);

test("--plan with an unknown format exits 2 naming the choices", async () => {
  const r = await ghm("experiment", "phase-transition", "--preset", "tiny", "--out", tempDir(), "--plan", "yaml");
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--plan yaml: choose jsonl .* or sh/);
});
