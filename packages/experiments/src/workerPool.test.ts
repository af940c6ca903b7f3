import { availableParallelism } from "node:os";
import { runWorkerPool, type WorkerTask, workerEnv } from "./workerPool";

// A stand-in for `ghm experiment worker`: answers each job line, fails job "fail", dies in job "crash".
const FAKE = `
const rl = require("node:readline").createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const { spec } = JSON.parse(line);
  const id = spec.job.id;
  if (id === "crash") { process.stderr.write("out of memory"); process.exit(9); }
  setTimeout(() => {
    const msg = id === "fail" ? { id, ok: false, code: 2, error: "train.steps: too small" } : { id, ok: true, seconds: 0.01, pid: process.pid };
    process.stdout.write(JSON.stringify(msg) + "\\n");
  }, 30);
});
`;
const cli = [process.execPath, "-e", FAKE, "--"]; // the pool appends its own arguments after these
const task = (id: string): WorkerTask => ({
  id,
  out: "/tmp/x",
  spec: { experiment: "e", config: {}, job: { id, params: {} } },
});

test("workers take jobs one at a time; a failed job and a crashed worker fail alone, and the pool goes on", async () => {
  const done: string[] = [];
  const out = await runWorkerPool(["a", "b", "fail", "crash", "c", "d"].map(task), {
    jobs: 2,
    cli,
    onDone: (o) => done.push(o.id),
  });
  expect(out.map((o) => o.id)).toEqual(["a", "b", "fail", "crash", "c", "d"]);
  expect(out.map((o) => o.code)).toEqual([0, 0, 2, 9, 0, 0]);
  expect(out[2].stderr).toBe("train.steps: too small");
  expect(out[3].stderr).toBe("out of memory");
  expect([...done].sort()).toEqual(["a", "b", "c", "crash", "d", "fail"]);
});

test("an abort stops the workers and starts no more jobs", async () => {
  const ac = new AbortController();
  const slow = [process.execPath, "-e", "process.stdin.on('data', () => {}); setTimeout(() => {}, 20000)", "--"];
  const p = runWorkerPool(["a", "b", "c"].map(task), { jobs: 1, cli: slow, signal: ac.signal });
  setTimeout(() => ac.abort(), 200);
  const out = await p;
  expect(out[0].signal).toBe("SIGTERM");
  expect(out.slice(1).map((o) => o.stderr)).toEqual(["not started (aborted)", "not started (aborted)"]);
});

describe("workerEnv", () => {
  const was = process.env.GHM_KERNEL_THREADS;
  afterEach(() => {
    if (was === undefined) delete process.env.GHM_KERNEL_THREADS;
    else process.env.GHM_KERNEL_THREADS = was;
  });

  test("shares the cores among the jobs as kernel threads, at least one each", () => {
    delete process.env.GHM_KERNEL_THREADS;
    const cores = availableParallelism();
    expect(workerEnv(1).GHM_KERNEL_THREADS).toBeUndefined(); // one job: tensor's own "auto"
    expect(workerEnv(2).GHM_KERNEL_THREADS).toBe(String(Math.min(4, Math.max(1, Math.floor(cores / 2)))));
    expect(workerEnv(cores * 2).GHM_KERNEL_THREADS).toBe("1");
    expect(workerEnv(2).PATH).toBe(process.env.PATH);
  });

  test("keeps the user's GHM_KERNEL_THREADS", () => {
    process.env.GHM_KERNEL_THREADS = "3";
    expect(workerEnv(8).GHM_KERNEL_THREADS).toBe("3");
  });
});
