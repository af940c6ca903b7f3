import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { sourceBootstrap } from "@ghmkit/bp";
import { randomRhm } from "@ghmkit/ghm";
import { type TrainConfig, makeTrainConfig } from "./config";
import { type Batch, BatchStream, type BatchStreamState, makeStreams } from "./data";
import { PREFETCH_START_COST_MS, PrefetchProbe, Prefetcher, resolvePrefetch } from "./prefetch";

const rhm = { kind: "rhm" as const, S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 };
const g = randomRhm(rhm);

function denoiser(trainSize: number, noise?: TrainConfig["noise"]): TrainConfig {
  return makeTrainConfig("denoiser", "unet", {
    grammar: rhm,
    data: { trainSize, testSize: 10 },
    batchSize: 8,
    ...(noise ? { noise } : {}),
  });
}

// Every noise the config allows, online and from a fixed set (36 rows of 8: a partial batch dropped per epoch).
const CASES: [string, TrainConfig][] = [
  ["online, gaussian (abar uniform)", denoiser(0)],
  ["online, gaussian (logsnr)", denoiser(0, { kind: "gaussian", abarMin: 0.05, abarMax: 0.95, sampling: "logsnr" })],
  [
    "fixed set, gaussian (schedule)",
    denoiser(36, {
      kind: "gaussian",
      abarMin: 0.05,
      abarMax: 0.95,
      sampling: "schedule",
      schedule: "cosine",
      steps: 50,
    }),
  ],
  [
    "fixed set, exact (classifier)",
    makeTrainConfig("classifier", "convnet", { grammar: rhm, data: { trainSize: 36, testSize: 10 }, batchSize: 8 }),
  ],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The same batch, bit for bit. */
function expectSame(a: Batch, b: Batch): void {
  expect([a.n, a.d, a.S]).toEqual([b.n, b.d, b.S]);
  expect(bytes(a.input).equals(bytes(b.input))).toBe(true);
  expect(bytes(a.x).equals(bytes(b.x))).toBe(true);
  expect(bytes(a.y).equals(bytes(b.y))).toBe(true);
}

/**
 * A stream state with each generator word as an int32: a state set through Rng.setState
 * reads back signed where a fresh generator's reads unsigned (the same bits, as a resumed run's).
 */
const words = (s: BatchStreamState) =>
  Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? v.map((w) => (Number.isNaN(w) ? w : w | 0)) : v]),
  );

/** One batch of each stream, compared, and their states after it. */
function step(pre: BatchStream, inline: BatchStream): void {
  expectSame(pre.next(), inline.next());
  expect(words(pre.getState())).toEqual(words(inline.getState()));
  expect(pre.epoch).toBe(inline.epoch);
}

/**
 * n steps of both streams, 5 ms apart (a step's time, in which the worker makes the next
 * batch); returns how many of them the worker drew (next() draws here what is not ready).
 */
async function paced(pre: BatchStream, inline: BatchStream, n: number): Promise<number> {
  const before = pre.prefetched;
  for (let i = 0; i < n; i++) {
    await sleep(5);
    step(pre, inline);
  }
  return pre.prefetched - before;
}

/** Steps both streams, a few ms apart, until the worker has handed one batch out (it loads meanwhile). */
async function untilPrefetched(pre: BatchStream, inline: BatchStream): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (pre.prefetched === 0) {
    if (Date.now() > deadline) throw new Error("the prefetch worker handed out no batch in 60 s");
    await sleep(20);
    step(pre, inline);
  }
}

describe("BatchStream.prefetch (a worker draws the batches ahead)", () => {
  test.each(CASES)(
    "%s: the inline stream's batches bit for bit, while the worker loads and after it takes over; getState follows the batches handed out",
    async (_name, cfg) => {
      const inline = new BatchStream(g, cfg, makeStreams(cfg));
      const pre = new BatchStream(g, cfg, makeStreams(cfg));
      try {
        expect(pre.prefetch()).toBe(true);
        expect(pre.prefetching).toBe(true);
        for (let i = 0; i < 3; i++) step(pre, inline);
        await untilPrefetched(pre, inline);
        expect(await paced(pre, inline, 20)).toBeGreaterThanOrEqual(10);
        // Back to back, faster than the worker: the batches it lacks are drawn here, the sequence stays.
        for (let i = 0; i < 10; i++) step(pre, inline);
        expect(await paced(pre, inline, 5)).toBeGreaterThanOrEqual(1);
        if (cfg.data.trainSize > 0) expect(pre.epoch).toBeGreaterThan(4);
      } finally {
        pre.dispose();
      }
      expect(pre.prefetching).toBe(false);
    },
  );

  test("a checkpointed state resumes the uninterrupted sequence; setState while prefetching restarts the worker there", async () => {
    const cfg = CASES[2][1];
    const inline = new BatchStream(g, cfg, makeStreams(cfg));
    const pre = new BatchStream(g, cfg, makeStreams(cfg));
    const resumed = new BatchStream(g, cfg, makeStreams(cfg));
    try {
      pre.prefetch();
      await untilPrefetched(pre, inline);
      // As a checkpoint saves it (JSON) and openRun restores it, then prefetches.
      const saved = JSON.parse(JSON.stringify(pre.getState()));
      const uninterrupted = Array.from({ length: 12 }, () => inline.next());
      for (let i = 0; i < 5; i++) {
        await sleep(5);
        expectSame(pre.next(), uninterrupted[i]);
      }
      pre.setState(saved);
      const before = pre.prefetched;
      for (const b of uninterrupted) {
        await sleep(5);
        expectSame(pre.next(), b);
      }
      expect(pre.prefetched - before).toBeGreaterThanOrEqual(6);
      resumed.setState(saved);
      resumed.prefetch();
      for (const b of uninterrupted) expectSame(resumed.next(), b);
    } finally {
      pre.dispose();
      resumed.dispose();
    }
  });

  test("online: the held-out watcher sees every training sequence once, in order, also when resumed (replay, then the worker's)", async () => {
    const cfg = CASES[0][1];
    const record = () => {
      const seen: number[][] = [];
      return { seen, see: (x: Int32Array, n: number) => seen.push([n, ...x]) };
    };
    const inline = new BatchStream(g, cfg, makeStreams(cfg));
    const a = record();
    inline.watchTest(a);
    const pre = new BatchStream(g, cfg, makeStreams(cfg));
    const b = record();
    pre.watchTest(b);
    const resumed = new BatchStream(g, cfg, makeStreams(cfg));
    const c = record();
    try {
      pre.prefetch();
      for (let i = 0; i < 4; i++) step(pre, inline);
      const saved = JSON.parse(JSON.stringify(inline.getState()));
      await untilPrefetched(pre, inline);
      expect(await paced(pre, inline, 10)).toBeGreaterThanOrEqual(5);
      expect(b.seen).toEqual(a.seen);
      expect(a.seen.length).toBeGreaterThan(14);
      // openRun's order: setState, watchTest (replays the draws so far), then prefetch.
      resumed.setState(saved);
      resumed.watchTest(c);
      resumed.prefetch();
      const deadline = Date.now() + 60_000;
      while (c.seen.length < a.seen.length) {
        resumed.next();
        if (resumed.prefetched === 0 && Date.now() < deadline) await sleep(20);
      }
      expect(c.seen).toEqual(a.seen);
      expect(resumed.prefetched).toBeGreaterThan(0);
    } finally {
      pre.dispose();
      resumed.dispose();
    }
  });

  test("after dispose() the stream goes on drawing the same sequence here", async () => {
    const cfg = CASES[3][1];
    const inline = new BatchStream(g, cfg, makeStreams(cfg));
    const pre = new BatchStream(g, cfg, makeStreams(cfg));
    pre.prefetch();
    await untilPrefetched(pre, inline);
    pre.dispose();
    const n = pre.prefetched;
    for (let i = 0; i < 8; i++) step(pre, inline);
    expect(pre.prefetched).toBe(n);
  });

  test("waitForStart (openTrainingState's): prefetch returns with the worker loaded", async () => {
    const cfg = CASES[2][1];
    const inline = new BatchStream(g, cfg, makeStreams(cfg));
    const pre = new BatchStream(g, cfg, makeStreams(cfg));
    const started: Prefetcher[] = [];
    const start = Prefetcher.start;
    const spy = jest.spyOn(Prefetcher, "start").mockImplementation((...args) => {
      started.push(start(...args));
      return started[0];
    });
    try {
      expect(pre.prefetch({ waitForStart: true })).toBe(true);
      expect(started[0].running).toBe(true);
      expect(await paced(pre, inline, 10)).toBeGreaterThanOrEqual(5);
    } finally {
      spy.mockRestore();
      pre.dispose();
    }
  });

  test("a worker that fails stops with one stderr line naming the error; the caller draws here", async () => {
    const cfg = CASES[0][1];
    const state = new BatchStream(g, cfg, makeStreams(cfg)).getState();
    const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
    const p = Prefetcher.start(g, cfg, { ...state, train: [1, 2] });
    try {
      const deadline = Date.now() + 60_000;
      while (p.active && Date.now() < deadline) {
        expect(p.take()).toBeNull(); // loading, then failed: either way, draw here
        await sleep(20);
      }
      expect(p.active).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(
        /^ghm train: batch prefetch stopped \(.*Rng state must be the 5 numbers.*\); drawing batches on the main thread$/,
      );
    } finally {
      p.dispose();
      warn.mockRestore();
    }
    // Waiting for it to start returns at its failure, with the same line.
    const w = jest.spyOn(console, "warn").mockImplementation(() => {});
    const q = Prefetcher.start(g, cfg, { ...state, train: [1, 2] });
    try {
      q.waitForStart();
      expect(q.active).toBe(false);
      expect(w).toHaveBeenCalledTimes(1);
      expect(String(w.mock.calls[0][0])).toMatch(/batch prefetch stopped \(.*Rng state/);
    } finally {
      q.dispose();
      w.mockRestore();
    }
  });

  test("prefetchWhenWorthIt: a worker only once the rest of the run would cost this thread more than its start", () => {
    const probe = (left: number, ms: number[]) => {
      const p = new PrefetchProbe(left);
      return ms.map((t) => p.drew(t));
    };
    // The fastest of the first 4 draws counts (the first ones still compile).
    expect(probe(1000, [9, 9, 9, 0.4])).toEqual([null, null, null, false]); // 996 x 0.4 ms < 500 ms
    expect(probe(2500, [9, 0.4, 0.5, 0.5])).toEqual([null, null, null, true]); // 2496 x 0.4 ms
    expect(PREFETCH_START_COST_MS).toBe(500);
    const cfg = CASES[0][1];
    const inline = new BatchStream(g, cfg, makeStreams(cfg));
    const short = new BatchStream(g, cfg, makeStreams(cfg));
    const long = new BatchStream(g, cfg, makeStreams(cfg));
    try {
      short.prefetchWhenWorthIt(10);
      long.prefetchWhenWorthIt(1e9);
      for (let i = 0; i < 6; i++) {
        const b = inline.next();
        expectSame(short.next(), b);
        expectSame(long.next(), b);
      }
      expect(short.prefetching).toBe(false);
      expect(long.prefetching).toBe(true);
    } finally {
      long.dispose();
    }
  });

  test("absent TrainConfig.prefetch: on with a second core; a bad value is refused naming the field", () => {
    expect(resolvePrefetch(true)).toBe(true);
    expect(resolvePrefetch(false)).toBe(false);
    expect(resolvePrefetch(undefined)).toBe(require("node:os").availableParallelism() >= 2);
    expect(() => makeTrainConfig("denoiser", "unet", { prefetch: "yes" } as never)).toThrow(
      /^config\.prefetch: must be true or false, got "yes"/,
    );
  });

  test("a process that never disposes its prefetching stream still exits", () => {
    const here = path.join(__dirname, "data.ts");
    const code = sourceBootstrap(
      here,
      `(async () => {
  const { makeTrainConfig } = req("./config.ts");
  const { BatchStream, makeStreams } = req("./data.ts");
  const cfg = makeTrainConfig("denoiser", "unet", { batchSize: 8, data: { trainSize: 0, testSize: 8 } });
  const s = new BatchStream(req("@ghmkit/ghm").randomRhm(cfg.grammar), cfg, makeStreams(cfg));
  s.prefetch();
  while (s.prefetched === 0) { s.next(); await new Promise((r) => setTimeout(r, 20)); }
  console.log(JSON.stringify({ prefetching: s.prefetching }));
})();`,
    );
    const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 90_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ prefetching: true });
  });
});
