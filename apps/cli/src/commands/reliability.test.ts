/**
 * Environment errors (full disk, permissions, ...) are named with exit 74, not reported
 * as bugs; a directory another ghm process writes is refused with exit 2 naming it.
 * The fault suite (src/soak, `pnpm soak`) does the same with real processes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCK_FILE } from "@ghmkit/train";
import { environmentError, EXIT_ENVIRONMENT, resetRecovery, setRecovery } from "../envErrors";
import { ghm, tempDir } from "../testing/harness";

const G = [
  "grammar",
  "random",
  "--kind",
  "rhm",
  "--vocab",
  "4",
  "--classes",
  "2",
  "--rules",
  "2",
  "--depth",
  "2",
  "--seed",
  "0",
];

afterEach(() => {
  delete process.env.GHM_FAULT_ENOSPC;
  resetRecovery();
});

test("a full disk while writing an output: exit 74, one line naming the operation and the path, no file and no temporary left", async () => {
  const dir = tempDir();
  const out = path.join(dir, "G.json");
  process.env.GHM_FAULT_ENOSPC = "G.json";
  const r = await ghm(...G, "--out", out);
  expect(r.code).toBe(EXIT_ENVIRONMENT);
  expect(r.err).toMatch(
    new RegExp(
      `^ghm: no space left on the device \\(ENOSPC\\) while writing ${dir}/\\.G\\.json\\.\\S+\\.tmp; kept: no file was half-written .*; free some space, then resume with: ghm grammar random .* --out ${out}\\n$`,
    ),
  );
  expect(r.err).not.toMatch(/internal error/);
  expect(fs.readdirSync(dir)).toEqual([]);
  const j = await ghm("--json", ...G, "--out", out);
  expect(JSON.parse(j.out).error.code).toBe("environment");
});

test("environment errors are found through wrapping causes and name what was kept and how to resume", () => {
  const cause = Object.assign(new Error("EACCES: permission denied, open '/data/run/x'"), {
    code: "EACCES",
    syscall: "open",
    path: "/data/run/x",
  });
  setRecovery({
    kept: () => "the last complete checkpoint, step 8",
    resume: () => ["train", "denoiser", "--out", "/data/run", "--resume"],
  });
  expect(
    environmentError(new Error("cannot write /data/run/x", { cause }), ["train", "denoiser", "--out", "/data/run"]),
  ).toBe(
    "permission denied (EACCES) while opening /data/run/x; kept: the last complete checkpoint, step 8; fix the permissions, then resume with: ghm train denoiser --out /data/run --resume",
  );
  resetRecovery();
  for (const code of ["EROFS", "EMFILE", "ENOENT", "EDQUOT"]) {
    expect(
      environmentError(Object.assign(new Error(code), { code, syscall: "rename", path: "/x" }), ["sample"]),
    ).toMatch(new RegExp(`\\(${code}\\) while renaming /x`));
  }
  expect(environmentError(new Error("plain bug"), [])).toBeNull();
  expect(environmentError(Object.assign(new Error("x"), { code: "ERR_SOMETHING" }), [])).toBeNull();
});

test("a run directory locked by a live ghm process: train and train --resume exit 2 naming its pid and host; experiment directories too", async () => {
  const dir = tempDir();
  // The parent of this test process is alive: a lock in its name is held.
  const holder = {
    format: "ghm-lock/v1",
    pid: process.ppid,
    host: os.hostname(),
    bootId: null,
    procStart: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    command: "ghm train classifier",
    token: "x",
  };
  const run = path.join(dir, "run");
  fs.mkdirSync(run);
  fs.writeFileSync(path.join(run, LOCK_FILE), JSON.stringify(holder));
  const msg = new RegExp(
    `in use by another ghm process: pid ${process.ppid} on host ${os.hostname()} since 2026-01-01T00:00:00.000Z \\(ghm train classifier\\)`,
  );
  const fresh = await ghm("train", "classifier", "--steps", "2", "--out", run);
  expect(fresh.code).toBe(2);
  expect(fresh.err).toMatch(msg);
  fs.writeFileSync(path.join(run, "config.json"), "{}");
  const resumed = await ghm("train", "classifier", "--out", run, "--resume");
  expect(resumed.code).toBe(2);
  const exp = path.join(dir, "exp");
  fs.mkdirSync(exp);
  fs.writeFileSync(path.join(exp, LOCK_FILE), JSON.stringify(holder));
  const e = await ghm("experiment", "phase-transition", "--preset", "tiny", "--out", exp);
  expect(e.code).toBe(2);
  expect(e.err).toMatch(msg);
});
