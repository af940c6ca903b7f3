/**
 * The fault suite (`pnpm soak`; nightly in .ci/run): real `ghm` processes killed with
 * SIGKILL at random moments and resumed, two writers racing on one directory, one job
 * run twice at once, a disk that fills up mid-checkpoint, and corrupted or truncated
 * copies of every kind of file the CLI reads. Prints the counts: faults injected, runs
 * resumed, files lost (must be 0).
 *
 * Moments and corruptions are drawn from a logged seed: rerun a failure with
 * GHM_SOAK_SEED=<seed>. GHM_SOAK_N sets the kills per scenario (default 5).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Rng } from "@ghmkit/ghm";
import { ghm, readJson, tempDir } from "../testing/harness";
import { runGhm, spawnGhm } from "../testing/childCli";

const SEED = Number(process.env.GHM_SOAK_SEED ?? Date.now() % 1e9);
const N = Number(process.env.GHM_SOAK_N ?? 5);
const rng = new Rng(SEED);
const counts = { faultsInjected: 0, runsResumed: 0, filesLost: 0, refusedCorruptFiles: 0, writersRefused: 0 };
const root = tempDir();
const started = Date.now();

afterAll(() => {
  const line =
    `soak (seed ${SEED}, N ${N}): ${counts.faultsInjected} faults injected, ${counts.runsResumed} runs resumed, ${counts.filesLost} files lost, ` +
    `${counts.writersRefused} second writers refused, ${counts.refusedCorruptFiles} corrupt files refused cleanly; ${((Date.now() - started) / 1000).toFixed(0)} s`;
  process.stdout.write(`\n${line}\n`);
  fs.writeFileSync(
    path.join(process.env.GHM_SOAK_REPORT_DIR ?? root, "soak-counts.json"),
    `${JSON.stringify({ seed: SEED, n: N, ...counts, wallS: (Date.now() - started) / 1000 })}\n`,
  );
});

const STEPS = 160;
const trainArgs = (out: string, steps = STEPS): string[] => [
  "--json",
  "train",
  "classifier",
  "--arch",
  "convnet",
  "--train-size",
  "64",
  "--test-size",
  "32",
  "--steps",
  String(steps),
  "--batch",
  "16",
  "--width",
  "8",
  "--eval-every",
  "10",
  "--backend",
  "cpu",
  "--out",
  out,
];
const ckptName = (step: number): string => `step-${String(step).padStart(8, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(file: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!fs.existsSync(file)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The complete checkpoints of a run (those a reader may rely on: listed and whole). */
function completeCheckpoints(dir: string): string[] {
  const root = path.join(dir, "checkpoints");
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((n) => /^step-\d{8}$/.test(n) && checkpointIntact(path.join(root, n)));
}

function checkpointIntact(ck: string): boolean {
  try {
    const opt = readJson(path.join(ck, "optimizer.json"));
    const floats = opt.tensors.reduce((s: number, t: { length: number }) => s + t.length, 0);
    if (fs.statSync(path.join(ck, "optimizer.bin")).size !== 4 * floats) return false;
    const model = readJson(path.join(ck, "model", "model.json"));
    const bytes = model.weightsManifest
      .flatMap((g: { weights: { shape: number[] }[] }) => g.weights)
      .reduce((s: number, w: { shape: number[] }) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    readJson(path.join(ck, "state.json"));
    readJson(path.join(ck, "model", "ghm-model.json"));
    return fs.statSync(path.join(ck, "model", "weights.bin")).size === bytes;
  } catch {
    return false;
  }
}

/** Every file of a run directory parses; latest.json names a complete checkpoint. Returns the files lost (checkpoints complete before, not after). */
function checkRun(dir: string, before: string[]): number {
  for (const f of ["config.json", "grammar.json", "bayes.json", "result.json", "train.json"])
    if (fs.existsSync(path.join(dir, f))) readJson(path.join(dir, f));
  const latest = path.join(dir, "checkpoints", "latest.json");
  if (fs.existsSync(latest)) expect(checkpointIntact(path.join(dir, "checkpoints", readJson(latest).dir))).toBe(true);
  const after = new Set(completeCheckpoints(dir));
  const lost = before.filter((c) => !after.has(c)).length;
  counts.filesLost += lost;
  return lost;
}

const metrics = (dir: string): unknown[] =>
  fs
    .readFileSync(path.join(dir, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => ({ ...JSON.parse(l), elapsedS: 0, stepsPerSecond: 0 }));
const finalBytes = (dir: string, f: string): Buffer =>
  fs.readFileSync(path.join(dir, "checkpoints", ckptName(STEPS), f));

function expectSameAsReference(dir: string, ref: string): void {
  expect(metrics(dir)).toEqual(metrics(ref));
  expect(finalBytes(dir, "model/weights.bin").equals(finalBytes(ref, "model/weights.bin"))).toBe(true);
  expect(finalBytes(dir, "optimizer.bin").equals(finalBytes(ref, "optimizer.bin"))).toBe(true);
}

const seeded = (name: string, fn: () => Promise<void>) => async () => {
  try {
    await fn();
  } catch (e) {
    throw new Error(`GHM_SOAK_SEED=${SEED} (${name}): ${(e as Error).message}`);
  }
};

const ref = path.join(root, "train-ref");
let refDone: Promise<unknown> | null = null;
const reference = (): Promise<unknown> =>
  (refDone ??= runGhm(trainArgs(ref)).then((r) => {
    if (r.code !== 0) throw new Error(`reference run failed: ${r.err}`);
  }));

describe("ghm train under faults", () => {
  test(
    `kill -9 at ${N} random moments (training and resuming), then --resume: no file lost, same weights and metrics as an uninterrupted run`,
    seeded("train kill", async () => {
      const refRun = reference();
      const dir = path.join(root, "train-killed");
      let first = true;
      for (let i = 0; i < N; i++) {
        const before = completeCheckpoints(dir);
        const c = spawnGhm(first ? trainArgs(dir) : [...trainArgs(dir), "--resume"]);
        if (first) await waitFor(path.join(dir, "checkpoints", "latest.json"));
        await sleep(rng.int(first ? 1500 : 4000));
        c.child.kill("SIGKILL");
        const r = await c.done;
        if (r.signal === "SIGKILL") counts.faultsInjected++;
        if (!first) counts.runsResumed++;
        first = false;
        checkRun(dir, before);
      }
      const before = completeCheckpoints(dir);
      const r = await runGhm([...trainArgs(dir), "--resume"]);
      counts.runsResumed++;
      // The only line on stderr: the killed run's lock was taken over.
      expect(r.err).toMatch(
        /^(ghm: took over the stale lock of \S+ \(pid \d+ on host [^\n]*: process \d+ is gone\)\n)?$/,
      );
      expect(r.code).toBe(0);
      expect(checkRun(dir, before)).toBe(0);
      await refRun;
      expectSameAsReference(dir, ref);
    }),
    240_000,
  );

  test(
    "two writers racing on one run directory: exactly one runs, the other exits 2 naming the holder; --resume while it runs is refused too",
    seeded("two writers", async () => {
      const dir = path.join(root, "race");
      const a = spawnGhm(trainArgs(dir));
      const b = spawnGhm(trainArgs(dir));
      const [ra, rb] = await Promise.all([a.done, b.done]);
      const codes = [ra.code, rb.code].sort();
      expect(codes).toEqual([0, 2]);
      const loser = ra.code === 2 ? ra : rb;
      expect(loser.err).toMatch(/in use by another ghm process: pid \d+ on host |is not empty: pass --resume/);
      counts.faultsInjected++;
      counts.writersRefused++;
      // A --resume started while a run is live (the reported bug: both wrote metrics.jsonl).
      const dir2 = path.join(root, "race-resume");
      const live = spawnGhm(trainArgs(dir2, 100_000));
      await waitFor(path.join(dir2, "checkpoints", "latest.json"));
      const second = await runGhm([...trainArgs(dir2, 100_000), "--resume"]);
      live.child.kill("SIGKILL");
      await live.done;
      expect(second.code).toBe(2);
      expect(second.err).toMatch(new RegExp(`in use by another ghm process: pid ${live.child.pid} on host `));
      counts.faultsInjected++;
      counts.writersRefused++;
      // The killed run's lock is stale now: resuming takes it over, saying so.
      const resumed = await runGhm([...trainArgs(dir2, 40), "--resume"]);
      expect(resumed.code).toBe(0);
      expect(resumed.err).toMatch(/took over the stale lock/);
      counts.runsResumed++;
      const steps = metrics(dir2).map((m) => (m as { step: number }).step);
      expect(new Set(steps).size).toBe(steps.length); // no evaluation logged twice
    }),
    240_000,
  );

  test(
    "a full disk mid-checkpoint: exit 74 with path, what was kept and the resume command; no half-written file; resume after freeing space ends as an uninterrupted run",
    seeded("full disk", async () => {
      const refRun = reference();
      const tmpfs = mountTmpfs();
      const dir = tmpfs ? path.join(tmpfs.mount, "run") : path.join(root, "enospc");
      let r: Awaited<ReturnType<typeof runGhm>>;
      try {
        // Real: a small tmpfs the run fills; else: the write of checkpoint 64 fails (GHM_FAULT_ENOSPC).
        r = await runGhm(trainArgs(dir), tmpfs ? {} : { GHM_FAULT_ENOSPC: ckptName(64) });
        counts.faultsInjected++;
        expect(r.code).toBe(74);
        expect(r.err).toMatch(
          /no space left on the device \(ENOSPC\) while (writing|creating|renaming|flushing|opening|copying) \S+/,
        );
        expect(r.err).toMatch(/kept: (the last complete checkpoint, step \d+|no checkpoint yet)/);
        expect(r.err).toContain(`then resume with: ghm train classifier --out ${dir} --resume --backend cpu`);
        expect(r.err).not.toMatch(/internal error/);
        expect(JSON.parse(r.out).error.code).toBe("environment");
        // No temporary file or half-written file is left behind.
        const leftovers = listFiles(dir).filter((f) => /\.tmp|\.old-|\.tmp-/.test(f));
        expect(leftovers).toEqual([]);
        checkRun(dir, []);
      } finally {
        if (tmpfs) {
          fs.cpSync(dir, path.join(root, "enospc"), { recursive: true });
          tmpfs.unmount();
        }
      }
      const moved = path.join(root, "enospc");
      const before = completeCheckpoints(moved);
      // The run directory is moved to where there is space: its config names no absolute path.
      const resumed = await runGhm([...trainArgs(moved), "--resume"]);
      counts.runsResumed++;
      expect(resumed.code).toBe(0);
      expect(checkRun(moved, before)).toBe(0);
      await refRun;
      expectSameAsReference(moved, ref);
    }),
    240_000,
  );
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? [e.name, ...listFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`)] : [e.name],
    );
}

/** A 160 KiB tmpfs, when this process may mount one (root, and the kernel allows it); else null. */
function mountTmpfs(): { mount: string; unmount: () => void } | null {
  if (process.getuid?.() !== 0 || process.env.GHM_SOAK_NO_TMPFS) return null;
  const mount = path.join(root, "tmpfs");
  fs.mkdirSync(mount, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=160k", "tmpfs", mount], { stdio: "ignore" });
  } catch {
    return null;
  }
  return { mount, unmount: () => execFileSync("umount", [mount], { stdio: "ignore" }) };
}

describe("experiments under faults", () => {
  const exp = (out: string): string[] => ["--quiet", "experiment", "classification", "--preset", "tiny", "--out", out];
  const rows = (dir: string): unknown[] =>
    fs
      .readFileSync(path.join(dir, "results.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => strip(JSON.parse(l)));
  const strip = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !/wall|elapsed|time|[a-z]S$/i.test(k)));
  const finishedJobs = (dir: string): string[] =>
    fs.existsSync(path.join(dir, "jobs"))
      ? fs.readdirSync(path.join(dir, "jobs")).filter((f) => f.endsWith(".json"))
      : [];

  test(
    `kill -9 an experiment at ${N} random moments, then rerun: every finished job kept, results equal an uninterrupted run`,
    seeded("experiment kill", async () => {
      const refDir = path.join(root, "exp-ref");
      const refRun = runGhm(exp(refDir));
      const dir = path.join(root, "exp-killed");
      for (let i = 0; i < N; i++) {
        const before = finishedJobs(dir);
        const c = spawnGhm(exp(dir));
        await sleep(2000 + rng.int(6000));
        c.child.kill("SIGKILL");
        const r = await c.done;
        if (r.signal === "SIGKILL") counts.faultsInjected++;
        if (i > 0) counts.runsResumed++;
        const after = new Set(finishedJobs(dir));
        const lost = before.filter((j) => !after.has(j));
        counts.filesLost += lost.length;
        expect(lost).toEqual([]);
        for (const j of after) readJson(path.join(dir, "jobs", j));
      }
      const r = await runGhm(exp(dir));
      counts.runsResumed++;
      expect(r.code).toBe(0);
      expect((await refRun).code).toBe(0);
      expect(rows(dir)).toEqual(rows(refDir));
    }),
    240_000,
  );

  test(
    "one job run twice at once: one runs, the other is refused (exit 2) or finds it done; the result is written once; collect is idempotent",
    seeded("job twice", async () => {
      const dir = path.join(root, "exp-plan");
      const planned = await ghm("experiment", "classification", "--preset", "tiny", "--plan", "--out", dir);
      expect(planned.code).toBe(0);
      const job = JSON.parse(planned.out.trim().split("\n")[0]) as { id: string; argv: string[] };
      const specAt = job.argv.indexOf("--spec");
      const args = ["--quiet", "experiment", "run-one", "--out", dir, "--spec", job.argv[specAt + 1]];
      const [a, b] = await Promise.all([runGhm(args), runGhm(args)]);
      counts.faultsInjected++;
      const codes = [a.code, b.code].sort();
      expect([
        [0, 0],
        [0, 2],
      ]).toContainEqual(codes);
      if (codes[1] === 2) {
        counts.writersRefused++;
        expect((a.code === 2 ? a : b).err).toMatch(/in use by another ghm process: pid \d+ on host /);
      }
      const file = path.join(dir, "jobs", `${job.id}.json`);
      const first = fs.readFileSync(file, "utf8");
      const again = await runGhm(args); // a retry after it finished: not run again
      expect(again.code).toBe(0);
      expect(fs.readFileSync(file, "utf8")).toBe(first);
      const c1 = await ghm("experiment", "collect", dir);
      const r1 = fs.readFileSync(path.join(dir, "results.jsonl"), "utf8");
      const c2 = await ghm("experiment", "collect", dir);
      expect([c1.code, c2.code]).toEqual([0, 0]);
      expect(fs.readFileSync(path.join(dir, "results.jsonl"), "utf8")).toBe(r1);
    }),
    240_000,
  );
});

describe("corrupted and truncated files of every kind the CLI reads", () => {
  /** Truncations at random lengths, random byte flips, empty and garbage contents of `file`. */
  function corruptions(file: string): { name: string; bytes: Buffer }[] {
    const orig = fs.readFileSync(file);
    const out: { name: string; bytes: Buffer }[] = [
      { name: "empty", bytes: Buffer.alloc(0) },
      { name: "garbage", bytes: Buffer.from("\u0000\u00ff{[") },
    ];
    for (let i = 0; i < 2; i++) {
      const n = rng.int(Math.max(1, orig.length));
      out.push({ name: `truncated at ${n}`, bytes: orig.subarray(0, n) });
    }
    for (let i = 0; i < 2; i++) {
      const b = Buffer.from(orig);
      for (let k = 0; k < 4; k++) b[rng.int(b.length)] = rng.int(256);
      out.push({ name: `4 bytes flipped (${i})`, bytes: b });
    }
    return out;
  }

  /**
   * Runs `argv` with each corruption of `file` in place: the CLI must exit 0 (a flip
   * that left the file valid) or 2 (refused, one line naming the problem), never 1 or
   * with a stack trace, and never leave a half-written output.
   */
  async function expectRefusedCleanly(kind: string, file: string, argv: () => string[]): Promise<void> {
    const orig = fs.readFileSync(file);
    try {
      for (const c of corruptions(file)) {
        fs.writeFileSync(file, c.bytes);
        const r = await ghm(...argv());
        counts.faultsInjected++;
        if (r.code !== 0) counts.refusedCorruptFiles++;
        const why = `${kind} ${c.name}: exit ${r.code}, ${r.err.trim().slice(0, 300)}`;
        expect([0, 2, why]).toContain(r.code === 0 || r.code === 2 ? r.code : why);
        expect(r.err).not.toMatch(/internal error| {4}at /);
      }
    } finally {
      fs.writeFileSync(file, orig);
    }
  }

  test(
    "model, checkpoint, data, grammar, config, plan and job files",
    seeded("corrupt", async () => {
      await reference();
      const dir = path.join(root, "corrupt");
      fs.cpSync(ref, dir, { recursive: true });
      const G = path.join(dir, "grammar.json");
      const data = path.join(root, "D.json");
      expect((await ghm("sample", "--grammar", G, "-n", "8", "--seed", "1", "--out", data)).code).toBe(0);
      const model = path.join(dir, "checkpoints", ckptName(STEPS), "model");
      for (const f of ["model.json", "ghm-model.json", "weights.bin"]) {
        await expectRefusedCleanly(`model ${f}`, path.join(model, f), () => [
          "eval",
          "--model",
          model,
          "--test-size",
          "8",
          "--backend",
          "cpu",
        ]);
      }
      const latest = readJson(path.join(dir, "checkpoints", "latest.json")).dir as string;
      for (const f of ["state.json", "optimizer.json", "optimizer.bin", "model/weights.bin", "model/model.json"]) {
        await expectRefusedCleanly(`checkpoint ${f}`, path.join(dir, "checkpoints", latest, f), () =>
          [...trainArgs(dir, STEPS + 2), "--resume"].slice(1),
        );
      }
      await expectRefusedCleanly("checkpoints/latest.json", path.join(dir, "checkpoints", "latest.json"), () =>
        [...trainArgs(dir, STEPS + 2), "--resume"].slice(1),
      );
      await expectRefusedCleanly("run config.json", path.join(dir, "config.json"), () =>
        [...trainArgs(dir, STEPS + 2), "--resume"].slice(1),
      );
      await expectRefusedCleanly("data", data, () => ["classify", "--grammar", G, "--data", data]);
      await expectRefusedCleanly("grammar", G, () => [
        "sample",
        "--grammar",
        G,
        "-n",
        "4",
        "--out",
        path.join(root, "S.json"),
      ]);
      const cfg = path.join(root, "train-config.json");
      fs.writeFileSync(cfg, JSON.stringify({ maxSteps: 2, data: { trainSize: 16, testSize: 8 }, net: { width: 4 } }));
      let k = 0;
      await expectRefusedCleanly("train --config", cfg, () => [
        "train",
        "classifier",
        "--config",
        cfg,
        "--backend",
        "cpu",
        "--out",
        path.join(root, `cfg-run-${k++}`),
      ]);
      const expDir = path.join(root, "exp-ref");
      if (!fs.existsSync(path.join(expDir, "plan.json")))
        expect(
          (await runGhm(["--quiet", "experiment", "classification", "--preset", "tiny", "--out", expDir])).code,
        ).toBe(0);
      await expectRefusedCleanly("experiment plan.json", path.join(expDir, "plan.json"), () => [
        "--quiet",
        "experiment",
        "collect",
        expDir,
      ]);
      const jobFile = path.join(
        expDir,
        "jobs",
        fs.readdirSync(path.join(expDir, "jobs")).filter((f) => f.endsWith(".json"))[0],
      );
      await expectRefusedCleanly("experiment job", jobFile, () => ["--quiet", "experiment", "collect", expDir]);
      await expectRefusedCleanly("experiment --config", cfg, () => [
        "experiment",
        "classification",
        "--preset",
        "tiny",
        "--config",
        cfg,
        "--print-config",
      ]);
    }),
    280_000,
  );
});
