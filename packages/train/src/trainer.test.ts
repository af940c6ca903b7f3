import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "@ghmkit/tensor";
import { ScheduledAdam } from "./adam";
import { readMetrics } from "./metricsLog";
import { EvalRecord, TrainProgress, resumeRun, trainRun } from "./trainer";
import { removeTempDirs, tinyConfig, tempDir } from "./testing/tiny";

afterAll(removeTempDirs);

function collect(): { steps: TrainProgress[]; onProgress: (p: TrainProgress) => void } {
  const steps: TrainProgress[] = [];
  return { steps, onProgress: (p) => steps.push(p) };
}

/** A metrics line without its wall-clock time, which legitimately differs between runs. */
function timeless(r: EvalRecord): Omit<EvalRecord, "elapsedS"> {
  const { elapsedS: _t, ...rest } = r;
  void _t;
  return rest;
}

describe("trainRun", () => {
  test("a short classifier run lowers the loss and logs one line per evaluation", async () => {
    const dir = tempDir("loss");
    const cfg = tinyConfig("classifier", "convnet", { maxSteps: 24, evalEvery: 6 });
    const { steps, onProgress } = collect();
    const res = await trainRun(cfg, { outDir: dir, onProgress });
    expect(res.status).toBe("max-steps");
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const lines = readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl"));
    expect(lines.map((l) => l.step)).toEqual([6, 12, 18, 24]);
    expect(lines[3].trainLoss).toBeLessThan(lines[0].trainLoss);
    expect(lines[3].testLoss).toBeLessThan(lines[0].testLoss);
    for (const l of lines) {
      expect(l.bayesAccuracy).toBe(1); // an RHM is unambiguous: BP recovers the class from a clean sequence
      expect(l.gap).toBeCloseTo(l.bayesAccuracy! - l.accuracy!, 12);
      expect(l.accuracy).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"))).toEqual(cfg);
    expect(fs.readdirSync(path.join(dir, "checkpoints")).sort()).toEqual(
      ["latest.json", "step-00000001", "step-00000002", "step-00000004", "step-00000008", "step-00000016", "step-00000024"],
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8")).status).toBe("max-steps");
  });

  test("the denoiser reports MSE next to the Bayes MSE, overall and per fixed level", async () => {
    const dir = tempDir("den");
    const res = await trainRun(tinyConfig("denoiser", "unet", { maxSteps: 4, evalEvery: 4 }), { outDir: dir });
    const e = res.lastEval!;
    expect(e.mse).toBeGreaterThan(e.bayesMse!); // nothing beats Bayes on 64 test rows after 4 steps
    expect(e.ratio).toBeCloseTo(e.mse! / e.bayesMse!, 12);
    expect(e.levels!.map((l) => l.abar)).toEqual([0.5]);
    expect(e.levels![0].bayesMse).toBeGreaterThan(0);
  });

  test("a run resumed from a checkpoint gives the same losses as an uninterrupted one", async () => {
    const cfg = tinyConfig("denoiser", "unet", { maxSteps: 10, evalEvery: 3, data: { trainSize: 48, testSize: 32 } });
    const full = collect();
    const dirA = tempDir("full");
    await trainRun(cfg, { outDir: dirA, onProgress: full.onProgress });

    const dirB = tempDir("resumed");
    const ctl = new AbortController();
    const first = collect();
    const stopped = await trainRun(cfg, {
      outDir: dirB,
      signal: ctl.signal,
      onProgress: (p) => {
        first.onProgress(p);
        if (p.step === 5) ctl.abort();
      },
    });
    expect(stopped.status).toBe("aborted");
    expect(stopped.step).toBe(5);
    expect(stopped.checkpoint).toBe(path.join(dirB, "checkpoints", "step-00000005"));
    expect(stopped.message).toContain("resumeRun");
    const second = collect();
    const done = await resumeRun(dirB, { onProgress: second.onProgress });
    expect(done.status).toBe("max-steps");

    const losses = (ps: TrainProgress[]) => ps.map((p) => [p.step, p.loss]);
    expect(losses([...first.steps, ...second.steps])).toEqual(losses(full.steps));
    const logA = readMetrics<EvalRecord>(path.join(dirA, "metrics.jsonl")).map(timeless);
    const logB = readMetrics<EvalRecord>(path.join(dirB, "metrics.jsonl")).map(timeless);
    expect(logB).toEqual(logA);
  });

  test("resuming cuts the metrics log back to the checkpoint", async () => {
    const cfg = tinyConfig("classifier", "convnet", { maxSteps: 6, evalEvery: 1 });
    const dir = tempDir("cut");
    await trainRun(cfg, { outDir: dir });
    // Pretend the process died after step 6's log line but before its checkpoint: fall back to step 4.
    fs.writeFileSync(path.join(dir, "checkpoints", "latest.json"), JSON.stringify({ step: 4, dir: "step-00000004" }));
    fs.appendFileSync(path.join(dir, "metrics.jsonl"), '{"step": 7, "trainLo'); // a line cut short by the crash
    const { steps, onProgress } = collect();
    await resumeRun(dir, { onProgress });
    expect(steps.map((s) => s.step)).toEqual([5, 6]);
    expect(readMetrics(path.join(dir, "metrics.jsonl")).map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("a non-finite loss stops training and keeps the last good checkpoint", async () => {
    const dir = tempDir("nan");
    const cfg = tinyConfig("classifier", "convnet", { maxSteps: 20, evalEvery: 20 });
    // Inject a NaN learning rate from the 6th step on: that update makes every weight NaN.
    const original = ScheduledAdam.prototype.setLearningRate;
    let calls = 0;
    const spy = jest.spyOn(ScheduledAdam.prototype, "setLearningRate").mockImplementation(function (this: ScheduledAdam, lr: number) {
      original.call(this, ++calls >= 6 ? NaN : lr);
    });
    try {
      const res = await trainRun(cfg, { outDir: dir });
      expect(res.status).toBe("diverged");
      expect(res.step).toBe(7); // step 6 computed a finite loss before its NaN update; step 7's loss is NaN
      expect(res.message).toMatch(/non-finite training loss \(NaN\) at step 7/);
      expect(res.checkpoint).toBe(path.join(dir, "checkpoints", "step-00000004"));
      expect(res.message).toContain(res.checkpoint!);
      const bin = fs.readFileSync(path.join(res.checkpoint!, "model", "weights.bin"));
      const w = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      expect(w.every(Number.isFinite)).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8")).status).toBe("diverged");
    } finally {
      spy.mockRestore();
    }
  });

  test("non-finite weights are never checkpointed", async () => {
    const dir = tempDir("nanw");
    const cfg = tinyConfig("classifier", "convnet", { maxSteps: 20, evalEvery: 20 });
    // NaN from the 4th update: step 4 (a checkpoint step) ends with NaN weights although its loss was finite.
    const original = ScheduledAdam.prototype.setLearningRate;
    let calls = 0;
    const spy = jest.spyOn(ScheduledAdam.prototype, "setLearningRate").mockImplementation(function (this: ScheduledAdam, lr: number) {
      original.call(this, ++calls >= 4 ? NaN : lr);
    });
    try {
      const res = await trainRun(cfg, { outDir: dir });
      expect(res.status).toBe("diverged");
      expect(res.message).toMatch(/non-finite weights at step 4/);
      expect(res.checkpoint).toBe(path.join(dir, "checkpoints", "step-00000002"));
    } finally {
      spy.mockRestore();
    }
  });

  test("refuses to overwrite an existing run unless asked to resume", async () => {
    const dir = tempDir("exists");
    const cfg = tinyConfig("classifier", "convnet", { maxSteps: 2, evalEvery: 2 });
    await trainRun(cfg, { outDir: dir });
    await expect(trainRun(cfg, { outDir: dir })).rejects.toThrow(/already holds a training run/);
    await expect(trainRun({ ...cfg, seeds: { ...cfg.seeds, data: 99 } }, { outDir: dir, resume: true })).rejects.toThrow(/config.seeds differs/);
  });

  test("no tensor leaks: the tensor count is flat across steps and restored after the run", async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainRun(tinyConfig("denoiser", "unet", { maxSteps: 9, evalEvery: 2 }), {
      outDir: tempDir("leak"),
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    // Adam creates its moments on step 1; from then on every step, evaluation and checkpoint must free what it makes.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
