import { runPool } from "./pool";

const node = (code: string) => [process.execPath, "-e", code];

test("runs at most `jobs` children at a time and reports each exit status and stderr", async () => {
  let running = 0;
  let peak = 0;
  const tasks = [0, 1, 2, 3].map((i) => ({ id: `t${i}`, argv: node(i === 2 ? "process.stderr.write('boom'); process.exit(3)" : "setTimeout(() => {}, 150)") }));
  const out = await runPool(tasks, {
    jobs: 2,
    onStart: () => {
      running++;
      peak = Math.max(peak, running);
    },
    onDone: () => {
      running--;
    },
  });
  expect(peak).toBe(2);
  expect(out.map((o) => o.id)).toEqual(["t0", "t1", "t2", "t3"]);
  expect(out.map((o) => o.code)).toEqual([0, 0, 3, 0]);
  expect(out[2].stderr).toBe("boom");
});

test("an abort stops the running children and starts no more", async () => {
  const ac = new AbortController();
  const tasks = [0, 1, 2].map((i) => ({ id: `t${i}`, argv: node("setTimeout(() => {}, 20000)") }));
  const p = runPool(tasks, { jobs: 1, signal: ac.signal });
  setTimeout(() => ac.abort(), 200);
  const out = await p;
  expect(out[0].signal).toBe("SIGTERM");
  expect(out[1].stderr).toMatch(/not started/);
});
