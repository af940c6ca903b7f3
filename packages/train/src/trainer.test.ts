import * as fs from "node:fs";
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { Rng, grammarFingerprint, randomRhm, readGrammarFile, sample } from "@ghmkit/ghm";
import { backendInfo, gemmFma, kernelThreads, tf } from "@ghmkit/tensor";
import { ScheduledAdam } from "./adam";
import { makeStreams, makeTestData } from "./data";
import { readMetrics } from "./metricsLog";
import { learningRate } from "./lrSchedule";
import { openTrainingState } from "./setup";
import { type EvalRecord, type TrainProgress, resumeRun, trainRun, trainStep } from "./trainer";
import { removeTempDirs, tinyConfig, tempDir } from "./testing/tiny";

afterAll(removeTempDirs);

function collect(): { steps: TrainProgress[]; onProgress: (p: TrainProgress) => void } {
  const steps: TrainProgress[] = [];
  return { steps, onProgress: (p) => steps.push(p) };
}

/** A metrics line without its wall-clock times, which legitimately differ between runs. */
function timeless(r: EvalRecord): Omit<EvalRecord, "elapsedS" | "stepsPerSecond"> {
  const { elapsedS: _t, stepsPerSecond: _r, ...rest } = r;
  void _t;
  void _r;
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
    // Each line and result.json carry the run's own training rate (steps only, evaluation excluded).
    for (const l of lines) expect(l.stepsPerSecond!).toBeGreaterThan(0);
    expect(res.stepsPerSecond!).toBeGreaterThan(0);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8"));
    expect(saved.stepsPerSecond).toBe(res.stepsPerSecond);
    // And what the steps ran on: the numerics a rerun elsewhere must match to give the same bits.
    const wasm = backendInfo()?.name === "wasm";
    expect(saved.backend).toEqual({
      name: backendInfo()?.name,
      kernelThreads: wasm ? kernelThreads() : 1,
      gemmFma: wasm && gemmFma(),
    });
    expect(lines[3].trainLoss!).toBeLessThan(lines[0].trainLoss!);
    expect(lines[3].testLoss).toBeLessThan(lines[0].testLoss);
    // The Bayes cross-entropy is BP's -log P(y | x) on the population test set, computed here directly.
    const g = readGrammarFile(path.join(dir, "grammar.json"));
    const test = makeTestData(g, cfg, makeStreams(cfg)).main;
    const post = runBP(g, test.evidence, { downward: false }).root;
    let bayesCE = 0;
    for (let r = 0; r < test.n; r++) bayesCE -= Math.log(post[r * 2 + test.y[r]]);
    // P = 64 draws of a grammar with 16 sentences hold all of them: every test row is a training row, no unseen row exists.
    for (const l of lines) {
      expect(l.bayesAccuracy).toBe(1); // an RHM is unambiguous: BP recovers the class from a clean sequence
      expect(l.bayesCrossEntropy).toBeCloseTo(bayesCE / test.n, 12);
      expect(l.gap).toBeCloseTo(l.bayesAccuracy! - l.accuracy!, 12);
      expect(Number.isInteger(l.accuracy! * 64)).toBe(true);
      expect(l.overlap).toBe(1);
      expect(l.unseen).toBeNull();
      expect(l.unseenCount).toBe(0);
      expect(l.unseenRequested).toBe(64);
      expect(l.unseenNote).toBe(
        "only 0 of 64 requested unseen test sequences were found in 4096 draws: the grammar's support is nearly covered by the training set",
      );
    }
    const result = JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8"));
    expect(result.grammarFingerprint).toBe(grammarFingerprint(g));
    expect(result.lastEval.overlap).toBe(1);
    const meta = JSON.parse(
      fs.readFileSync(path.join(dir, "checkpoints", "step-00000024", "model", "ghm-model.json"), "utf8"),
    );
    expect(meta.extra.grammarFingerprint).toBe(grammarFingerprint(g));
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"))).toEqual(cfg);
    expect(fs.readdirSync(path.join(dir, "checkpoints")).sort()).toEqual([
      "latest.json",
      "step-00000001",
      "step-00000002",
      "step-00000004",
      "step-00000008",
      "step-00000016",
      "step-00000024",
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8")).status).toBe("max-steps");
  });

  test("the denoiser reports MSE next to the Bayes MSE, overall and per fixed level", async () => {
    const dir = tempDir("den");
    const res = await trainRun(tinyConfig("denoiser", "unet", { maxSteps: 4, evalEvery: 4 }), { outDir: dir });
    const e = res.lastEval!;
    expect(e.mse).toBeGreaterThan(e.bayesMse!); // nothing beats Bayes on 64 test rows after 4 steps
    expect(e.ratio).toBeCloseTo(e.mse! / e.bayesMse!, 12);
    expect(e.levels!.map((l) => l.abar)).toEqual([0.5]);
    // Bayes MSE = BP's leaf marginals against the clean leaves, on the population set and at abar = 0.5, computed here directly.
    const cfg = tinyConfig("denoiser", "unet", { maxSteps: 4, evalEvery: 4 });
    const g = readGrammarFile(path.join(dir, "grammar.json"));
    const t = makeTestData(g, cfg, makeStreams(cfg));
    const mse = (set: typeof t.main): number => {
      const marg = runBP(g, set.evidence).marginals![g.depth];
      let se = 0;
      for (let i = 0; i < set.n * set.d; i++)
        for (let a = 0; a < set.S; a++) se += (marg[i * set.S + a] - (set.x[i] === a ? 1 : 0)) ** 2;
      return se / (set.n * set.d);
    };
    expect(e.bayesMse).toBeCloseTo(mse(t.main), 12);
    expect(e.levels![0].bayesMse).toBeCloseTo(mse(t.levels[0].set), 12);
  });

  test("online (P = 0): overlap is the share of test rows drawn for training so far and grows to 1 on a 16-sentence grammar", async () => {
    const dir = tempDir("online");
    const cfg = tinyConfig("classifier", "convnet", {
      data: { trainSize: 0, testSize: 64 },
      batchSize: 4,
      maxSteps: 40,
      evalEvery: 2,
    });
    const res = await trainRun(cfg, { outDir: dir });
    const lines = readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl"));
    const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 });
    const test = makeTestData(g, cfg, makeStreams(cfg)).main;
    const testRows = Array.from({ length: 64 }, (_, r) => test.x.subarray(r * 4, r * 4 + 4).join(","));
    // Replay the training draws (the train stream is the second fork of the data seed) and count by hand.
    const data = new Rng(cfg.seeds.data);
    data.fork();
    const train = data.fork();
    const drawn = new Set<string>();
    let step = 0;
    for (const l of lines) {
      for (; step < l.step; step++) {
        const s = sample(g, 4, train);
        for (let b = 0; b < 4; b++) drawn.add(s.x.subarray(b * 4, b * 4 + 4).join(","));
      }
      const seen = testRows.filter((r) => drawn.has(r)).length;
      expect(l.overlap).toBe(seen / 64);
      expect(l.unseenCount).toBe(64 - seen);
      expect(l.unseen === null ? 0 : l.unseen.n).toBe(64 - seen);
      expect(l.unseenNote).toContain(`the ${64 - seen} of 64 population test rows`);
    }
    expect(lines[0].overlap).toBeLessThan(1);
    for (let i = 1; i < lines.length; i++) expect(lines[i].overlap).toBeGreaterThanOrEqual(lines[i - 1].overlap);
    expect(res.lastEval!.overlap).toBe(1);
    expect(res.lastEval!.unseen).toBeNull();
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

  test("net.init compiled: step 0 is evaluated at the Bayes MSE, the compiled zeros stay 0, warm-up steps stay near Bayes, and resume is exact", async () => {
    const base = tinyConfig("denoiser", "unet", { maxSteps: 6, evalEvery: 3, data: { trainSize: 0, testSize: 64 } });
    const cfg = {
      ...base,
      net: { ...base.net, init: "compiled" as const },
      optimizer: { ...base.optimizer, lr: 3e-3, warmupSteps: 50 },
    };
    const full = collect();
    const dirA = tempDir("cfull");
    await trainRun(cfg, { outDir: dirA, onProgress: full.onProgress });
    expect(full.steps[0].step).toBe(0);
    const log = readMetrics<EvalRecord>(path.join(dirA, "metrics.jsonl"));
    expect(log.map((l) => l.step)).toEqual([0, 3, 6]);
    expect(log[0].trainLoss).toBeNull();
    // The compiled U-Net is the Bayes denoiser (on evidence clipped at -20 per leaf).
    expect(Math.abs(log[0].ratio! - 1)).toBeLessThan(1e-4);
    // Unmasked, the first step (lr 6e-5) already took the default RHM to MSE / Bayes 1.74: here 6 warm-up steps
    // (lr up to 3.6e-4, batch 16) move it by about 1e-3.
    expect(Math.abs(log[2].ratio! - 1)).toBeLessThan(5e-3);
    // Entries that are 0 in the compiled network are 0 in the trained one.
    const { loadModel, compileBPModel } = await import("@ghmkit/nets");
    const { model } = await loadModel(path.join(dirA, "checkpoints", "step-00000006", "model"));
    const compiled = compileBPModel(readGrammarFile(path.join(dirA, "grammar.json")), "denoiser");
    const trained = model.getWeights().map((w) => w.dataSync());
    compiled.model
      .getWeights()
      .forEach((w, i) => w.dataSync().forEach((v, k) => v === 0 && expect(trained[i][k]).toBe(0)));
    model.dispose();
    compiled.model.dispose();

    const dirB = tempDir("cres");
    const ctl = new AbortController();
    const first = collect();
    await trainRun(cfg, {
      outDir: dirB,
      signal: ctl.signal,
      onProgress: (p) => {
        first.onProgress(p);
        if (p.step === 4) ctl.abort();
      },
    });
    const second = collect();
    await resumeRun(dirB, { onProgress: second.onProgress });
    const losses = (ps: TrainProgress[]) => ps.map((p) => [p.step, p.loss]);
    expect(losses([...first.steps, ...second.steps])).toEqual(losses(full.steps));
    expect(readMetrics<EvalRecord>(path.join(dirB, "metrics.jsonl")).map(timeless)).toEqual(log.map(timeless));
  });

  test("net.init compiled: the ConvNet classifier starts at the Bayes accuracy; initNoise perturbs only the weights that train", async () => {
    const base = tinyConfig("classifier", "convnet", { maxSteps: 2, evalEvery: 2 });
    const cls = { ...base, net: { ...base.net, init: "compiled" as const } };
    const dirC = tempDir("ccls");
    await trainRun(cls, { outDir: dirC });
    const logC = readMetrics<EvalRecord>(path.join(dirC, "metrics.jsonl"));
    expect(logC[0].step).toBe(0);
    expect(logC[0].accuracy).toBe(logC[0].bayesAccuracy);
    expect(Math.abs(logC[0].crossEntropy - logC[0].bayesCrossEntropy)).toBeLessThan(1e-4);

    const den = tinyConfig("denoiser", "unet", { maxSteps: 1, evalEvery: 1, data: { trainSize: 0, testSize: 64 } });
    const noisy = { ...den, net: { ...den.net, init: "compiled" as const, initNoise: 0.05 } };
    const dirN = tempDir("cnoise");
    await trainRun(noisy, { outDir: dirN });
    const logN = readMetrics<EvalRecord>(path.join(dirN, "metrics.jsonl"));
    expect(logN[0].ratio!).toBeGreaterThan(1 + 1e-4);
    const { loadModel, compileBPModel } = await import("@ghmkit/nets");
    const { model } = await loadModel(path.join(dirN, "checkpoints", "step-00000001", "model"));
    const compiled = compileBPModel(readGrammarFile(path.join(dirN, "grammar.json")), "denoiser");
    const trained = model.getWeights().map((w) => w.dataSync());
    let moved = 0;
    compiled.model.getWeights().forEach((w, i) =>
      w.dataSync().forEach((v, k) => {
        if (v === 0) expect(trained[i][k]).toBe(0);
        else if (Math.abs(trained[i][k] - v) > 1e-3) moved++;
      }),
    );
    expect(moved).toBeGreaterThan(0);
    model.dispose();
    compiled.model.dispose();
  });

  test("online: a resumed run rebuilds the drawn-sequence set and logs the same overlap and unseen metrics", async () => {
    const cfg = tinyConfig("classifier", "convnet", {
      data: { trainSize: 0, testSize: 64 },
      batchSize: 2,
      maxSteps: 10,
      evalEvery: 2,
    });
    const dirA = tempDir("onfull");
    await trainRun(cfg, { outDir: dirA });
    const dirB = tempDir("onres");
    const ctl = new AbortController();
    await trainRun(cfg, { outDir: dirB, signal: ctl.signal, onProgress: (p) => p.step === 5 && ctl.abort() });
    await resumeRun(dirB);
    const logA = readMetrics<EvalRecord>(path.join(dirA, "metrics.jsonl")).map(timeless);
    const logB = readMetrics<EvalRecord>(path.join(dirB, "metrics.jsonl")).map(timeless);
    expect(logB).toEqual(logA);
    expect(logA[4].overlap).toBeGreaterThan(logA[0].overlap); // 20 draws vs 4: more test rows seen
    expect(logA[4].overlap).toBeLessThan(1);
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
    const spy = jest.spyOn(ScheduledAdam.prototype, "setLearningRate").mockImplementation(function (
      this: ScheduledAdam,
      lr: number,
    ) {
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
    const spy = jest.spyOn(ScheduledAdam.prototype, "setLearningRate").mockImplementation(function (
      this: ScheduledAdam,
      lr: number,
    ) {
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
    await expect(
      trainRun({ ...cfg, seeds: { ...cfg.seeds, data: 99 } }, { outDir: dir, resume: true }),
    ).rejects.toThrow(/config\.seeds: differs/);
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

  test("openTrainingState + trainStep (what @ghmkit/bench times) take the same steps as trainRun", async () => {
    const dir = tempDir("stepper");
    const cfg = tinyConfig("denoiser", "unet", { maxSteps: 5, evalEvery: 5 });
    await trainRun(cfg, { outDir: dir });
    const logged = readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl"))[0];
    const st = openTrainingState(cfg);
    try {
      let sum = 0;
      for (let i = 0; i < 5; i++) sum += trainStep(st, st.stream.next(), learningRate(cfg, i));
      expect(sum / 5).toBe(logged.trainLoss);
    } finally {
      st.dispose();
    }
  });
});
