import * as path from "node:path";
import { initBackend } from "@ghmkit/tensor";
import type { Arch, Task } from "./config";
import { readMetrics } from "./metricsLog";
import { Prefetcher } from "./prefetch";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";
import { type EvalRecord, resumeRun, trainRun } from "./trainer";

afterAll(removeTempDirs);

beforeAll(async () => {
  await initBackend("wasm");
});

/**
 * While `f` runs: the batches prefetch workers handed out, and `waitForWorker`, which blocks
 * (from an onProgress callback) until the latest worker has loaded, so that the batches
 * after it come from the worker however loaded the machine is.
 */
async function withWorkers<T>(f: (waitForWorker: () => void) => Promise<T>): Promise<{ result: T; batches: number }> {
  const started: Prefetcher[] = [];
  const start = Prefetcher.start;
  const take = Prefetcher.prototype.take;
  let batches = 0;
  const spies = [
    jest.spyOn(Prefetcher, "start").mockImplementation((...args) => {
      const p = start(...args);
      started.push(p);
      return p;
    }),
    jest.spyOn(Prefetcher.prototype, "take").mockImplementation(function (this: Prefetcher) {
      const got = take.call(this);
      if (got) batches++;
      return got;
    }),
  ];
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const waitForWorker = () => {
    const p = started[started.length - 1];
    const deadline = Date.now() + 60_000;
    while (p && p.active && !p.running && Date.now() < deadline) Atomics.wait(pause, 0, 0, 10);
  };
  try {
    return { result: await f(waitForWorker), batches };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** The logged numbers of a run, without its timings. */
function logged(dir: string) {
  return readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl")).map(({ elapsedS, stepsPerSecond, ...m }) => {
    void elapsedS;
    void stepsPerSecond;
    return m;
  });
}

describe("ghm train with batch prefetch (TrainConfig.prefetch)", () => {
  test("absent, a short run (a test, a smoke run) starts no worker: it would cost more than drawing here", async () => {
    const start = jest.spyOn(Prefetcher, "start");
    try {
      const r = await trainRun(tinyConfig("denoiser", "unet"), { outDir: tempDir("prefetch-short") });
      expect(r.status).toBe("max-steps");
      expect(start).not.toHaveBeenCalled();
    } finally {
      start.mockRestore();
    }
  });

  test.each([
    ["denoiser", "unet", "online data"],
    ["classifier", "convnet", "a fixed training set"],
  ] as [Task, Arch, string][])(
    "%s (%s, %s): the same log as without it, and an aborted and resumed run takes the same steps",
    async (task, arch) => {
      const steps = 30;
      const cfg = (prefetch: boolean) =>
        tinyConfig(task, arch, { maxSteps: steps, evalEvery: 10, prefetch, batchSize: 8 });
      const off = tempDir(`prefetch-off-${task}`);
      const lossesOff: number[] = [];
      await trainRun(cfg(false), { outDir: off, onProgress: (p) => lossesOff.push(p.loss) });

      // Step 1 is drawn here while the worker loads; most others come from it (the ones it has not finished are drawn here).
      const on = tempDir(`prefetch-on-${task}`);
      const { batches } = await withWorkers((wait) => trainRun(cfg(true), { outDir: on, onProgress: wait }));
      expect(batches).toBeGreaterThanOrEqual(steps / 2);
      expect(logged(on)).toEqual(logged(off));

      // Aborted at step 17 (an online run's resume replays its draws for the held-out watcher).
      const dir = tempDir(`prefetch-resumed-${task}`);
      const ctl = new AbortController();
      const parts: number[] = [];
      const resumed = await withWorkers(async (wait) => {
        const stopped = await trainRun(cfg(true), {
          outDir: dir,
          signal: ctl.signal,
          onProgress: (p) => {
            wait();
            parts.push(p.loss);
            if (p.step === 17) ctl.abort();
          },
        });
        expect(stopped.status).toBe("aborted");
        return resumeRun(dir, {
          onProgress: (p) => {
            wait();
            parts.push(p.loss);
          },
        });
      });
      expect(resumed.result.status).toBe("max-steps");
      expect(resumed.batches).toBeGreaterThanOrEqual(steps / 2);
      expect(parts).toEqual(lossesOff);
      expect(logged(dir)).toEqual(logged(off));
    },
  );
});
