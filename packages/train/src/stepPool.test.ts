import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { initBackend, tf } from "@ghmkit/tensor";
import { type Arch, type Task, makeTrainConfig } from "./config";
import { learningRate } from "./lrSchedule";
import { readMetrics } from "./metricsLog";
import { openTrainingState } from "./setup";
import { sourceBootstrap } from "@ghmkit/bp";
import { AUTO_MIN_WORK_PER_THREAD, resolveThreads } from "./stepPool";
import { type EvalRecord, resumeRun, trainRun, trainStep } from "./trainer";
import { removeTempDirs, tempDir } from "./testing/tiny";

afterAll(removeTempDirs);

beforeAll(async () => {
  await initBackend("wasm");
});

// reproducible.test.ts's runs (batch 8, 6 steps), whose one-thread losses it pins.
function config(task: Task, arch: Arch, threads: number | "auto" | undefined) {
  return makeTrainConfig(task, arch, {
    grammar: { kind: "rhm", S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 7 },
    data: { trainSize: task === "classifier" ? 64 : 0, testSize: 32 },
    evalAbar: task === "denoiser" ? [0.5] : [],
    net: { width: 8, activation: "relu", extraConvs: 1 },
    batchSize: 8,
    maxSteps: 6,
    evalEvery: 3,
    threads,
  });
}

async function losses(task: Task, arch: Arch, threads: number | "auto" | undefined) {
  const dir = tempDir(`threads-${task}`);
  await trainRun(config(task, arch, threads), { outDir: dir });
  return readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl")).map((l) => [l.step, l.trainLoss, l.testLoss]);
}

function expectClose(a: (number | null)[][], b: (number | null)[][], rel: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      const w = b[i][j] as number;
      expect(Math.abs((v as number) - w)).toBeLessThanOrEqual(rel * Math.abs(w));
    }),
  );
}

describe("data-parallel training steps (TrainConfig.threads)", () => {
  test.each([
    ["denoiser", "unet"],
    ["classifier", "convnet"],
  ] as [Task, Arch][])(
    "%s (%s): 2 threads log the same losses on every run, equal to one thread's up to float32 summation order",
    async (task, arch) => {
      const one = await losses(task, arch, undefined);
      const a = await losses(task, arch, 2);
      const b = await losses(task, arch, 2);
      expect(b).toEqual(a);
      expectClose(a, one, 1e-4);
    },
  );

  test("uneven shares (8 rows over 3 threads: 3, 3, 2) are weighted by rows", async () => {
    const cfg = config("denoiser", "unet", 3);
    const one = openTrainingState({ ...cfg, threads: 1 });
    const three = openTrainingState(cfg);
    try {
      expect(one.pool ?? null).toBeNull();
      expect(three.pool?.threads).toBe(3);
      for (let i = 0; i < 3; i++) {
        const l1 = trainStep(one, one.stream.next(), learningRate(cfg, i));
        const l3 = trainStep(three, three.stream.next(), learningRate(cfg, i));
        expect(Math.abs(l3 - l1)).toBeLessThanOrEqual(1e-5 * l1);
      }
      // The replicas' weights stay those of one thread up to rounding.
      const w1 = one.model.getWeights().map((w) => w.dataSync());
      const w3 = three.model.getWeights().map((w) => w.dataSync());
      w1.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(w3[i][j] - v)).toBeLessThanOrEqual(1e-4)));
    } finally {
      one.dispose();
      three.dispose();
    }
  });

  test("net.init compiled: the masked weights stay exactly 0 on 2 threads", () => {
    const cfg = {
      ...config("denoiser", "unet", 2),
      net: { width: 8, activation: "relu" as const, extraConvs: 0, init: "compiled" as const },
    };
    const st = openTrainingState(cfg);
    try {
      expect(st.pool?.threads).toBe(2);
      for (let i = 0; i < 3; i++) trainStep(st, st.stream.next(), learningRate(cfg, i));
      const weights = st.vars.map((v) => v.dataSync());
      st.masks!.forEach((m, i) =>
        m.dataSync().forEach((keep, j) => {
          if (keep === 0) expect(weights[i][j]).toBe(0);
        }),
      );
    } finally {
      st.dispose();
    }
  });

  test("on 2 threads a run aborted and resumed takes the uninterrupted run's steps, bit for bit", async () => {
    const cfg = config("classifier", "convnet", 2);
    const full: number[] = [];
    await trainRun(cfg, { outDir: tempDir("threads-full"), onProgress: (p) => full.push(p.loss) });
    const dir = tempDir("threads-resumed");
    const ctl = new AbortController();
    const parts: number[] = [];
    const stopped = await trainRun(cfg, {
      outDir: dir,
      signal: ctl.signal,
      onProgress: (p) => {
        parts.push(p.loss);
        if (p.step === 4) ctl.abort();
      },
    });
    expect(stopped.status).toBe("aborted");
    await resumeRun(dir, { onProgress: (p) => parts.push(p.loss) });
    expect(parts).toEqual(full);
  });

  test("threads resolve: absent = 1; auto = the cores the step's work fills on wasm and cpu, 1 on tfjs-node; never above the batch", () => {
    const cores = os.availableParallelism();
    expect(resolveThreads(undefined, "wasm", 64)).toBe(1);
    expect(resolveThreads("auto", "node", 64, 1e12)).toBe(1);
    expect(resolveThreads("auto", "wasm", 64, 1e12)).toBe(Math.min(cores, 64));
    expect(resolveThreads("auto", "cpu", 64, 2 * AUTO_MIN_WORK_PER_THREAD)).toBe(Math.min(cores, 2));
    // too little work for a second thread (the default d = 8 denoiser ran 0.62x on 2 threads)
    expect(resolveThreads("auto", "wasm", 64, 8 * 64 * 64 * 64)).toBe(1);
    expect(resolveThreads(8, "wasm", 3)).toBe(3);
  });

  test("a bad thread count is refused naming the field", () => {
    expect(() => config("denoiser", "unet", 0)).toThrow(
      /config\.threads: must be an integer in \[1, 256\] or "auto", got 0/,
    );
  });

  test("a process that never disposes its training state still exits (idle workers do not hold it)", () => {
    const here = path.join(__dirname, "stepPool.ts");
    const code = sourceBootstrap(
      here,
      `(async () => {
  await req("@ghmkit/tensor").initBackend("wasm");
  const { tinyConfig } = req("./testing/tiny.ts");
  const st = req("./setup.ts").openTrainingState(tinyConfig("denoiser", "unet", { threads: 2 }));
  const loss = req("./trainer.ts").trainStep(st, st.stream.next(), 0.01);
  console.log(JSON.stringify({ threads: st.pool ? st.pool.threads : 1, finite: Number.isFinite(loss) }));
})();`,
    );
    const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 90_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, finite: true });
  });

  test("tf memory: a pooled step leaks no tensors", () => {
    const cfg = config("denoiser", "unet", 2);
    const st = openTrainingState(cfg);
    try {
      trainStep(st, st.stream.next(), learningRate(cfg, 0)); // builds Adam's slots
      const before = tf.memory().numTensors;
      trainStep(st, st.stream.next(), learningRate(cfg, 1));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      st.dispose();
    }
  });
});
