import { initBackend, setKernelThreads } from "@ghmkit/tensor";
import { defaultTrainConfig, learningRate, openTrainingState, trainStep } from "@ghmkit/train";
import { benchTrainConfig, benchTrainStep, DEFAULT_SHAPE_BENCH, PYTORCH_CPU_STEPS_PER_SEC } from "./train";
import { torchPython } from "./train_pytorch";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("benchTrainStep", () => {
  it("trains nets' U-Net through train's step with custom kernels and the minimal set, and stock wasm", async () => {
    const was = setKernelThreads(2);
    const r = await benchTrainStep({ batch: 4, d: 8, S: 3, filters: 4, steps: 2, warmup: 1 });
    setKernelThreads(was);
    expect(r.backend.name).toBe("wasm");
    expect(r.referenceStepsPerSec).toBe(PYTORCH_CPU_STEPS_PER_SEC);
    expect(r.config).toMatchObject({
      batch: 4,
      d: 8,
      S: 3,
      m: 2,
      filters: 4,
      steps: 2,
      warmup: 1,
      arch: "unet",
      task: "denoiser",
    });
    expect(r.trainConfig).toMatchObject({
      task: "denoiser",
      arch: "unet",
      batchSize: 4,
      net: { width: 4 },
      grammar: { kind: "rhm", S: 3, depth: 3 },
      data: { trainSize: 0 },
    });
    if (!r.active.ok || r.minimal === undefined || !r.minimal.ok) throw new Error("custom runs failed");
    // Kernel threads change where products run, never their bits: the same losses on 1 thread.
    expect(r.config.kernelThreads).toBe(2);
    if (r.oneKernelThread === undefined || !r.oneKernelThread.ok) throw new Error("the 1-kernel-thread run failed");
    expect(r.oneKernelThread.finalLoss).toBe(r.active.finalLoss);
    // The step without the tape is the tape's step, bit for bit.
    if (r.tape === undefined || !r.tape.ok) throw new Error("the tape run failed");
    expect(r.tape.finalLoss).toBe(r.active.finalLoss);
    expect(r.active.ratioToPytorch).toBeCloseTo(r.active.stepsPerSec / PYTORCH_CPU_STEPS_PER_SEC, 10);
    expect(r.active.stepsPerSec).toBeCloseTo(1000 / r.active.msPerStep, 10);
    expect(r.active.dataMsPerStep).toBeLessThanOrEqual(r.active.msPerStep);
    // heap.wat's SIMD loops do the JS loops' float ops in the same order: the very same losses.
    if (r.jsLoops === undefined || !r.jsLoops.ok) throw new Error(`JS loops failed: ${JSON.stringify(r.jsLoops)}`);
    expect(r.jsLoops.finalLoss).toBe(r.active.finalLoss);
    // The same steps with other kernels: the same losses up to float32 rounding.
    expect(r.minimal.finalLoss).toBeCloseTo(r.active.finalLoss, 4);
    // nets' U-Net needs no Conv2DBackpropFilter: stock wasm trains it too (bench_model's conv1d U-Net could not).
    if (r.stock === undefined || !r.stock.ok) throw new Error(`stock wasm failed: ${JSON.stringify(r.stock)}`);
    expect(r.stock.finalLoss).toBeCloseTo(r.active.finalLoss, 4);

    // The same-run PyTorch reference, where a python3 imports torch; the reason elsewhere.
    if (r.pytorch === undefined) throw new Error("no PyTorch comparison");
    if (typeof torchPython() === "string") expect(r.pytorch).toMatchObject({ ok: false });
    else {
      if (!r.pytorch.ok) throw new Error(r.pytorch.error);
      expect(r.pytorch.ratio).toBeCloseTo(r.pytorch.stepsPerSec / r.pytorch.pytorchStepsPerSec, 10);
      // 2 steps: rounds of one step each (at least four rounds, or one per step).
      expect(r.pytorch.rounds.count).toBe(2);
      expect(r.pytorch.rounds.min).toBeLessThanOrEqual(r.pytorch.rounds.median);
      expect(r.pytorch.rounds.median).toBeLessThanOrEqual(r.pytorch.rounds.max);
      expect(r.pytorch.pytorchStepsPerSec).toBe(Math.max(...r.pytorch.settings.map((s) => s.stepsPerSec)));
      expect(Number.isFinite(r.pytorch.pytorchFinalLoss)).toBe(true);
    }

    // What it times is train's own step: the same state and steps give the same final loss.
    const cfg = benchTrainConfig({ batch: 4, d: 8, S: 3, m: 2, filters: 4, seed: 0 });
    const st = openTrainingState(cfg);
    try {
      let loss = NaN;
      for (let i = 0; i < 3; i++) loss = trainStep(st, st.stream.next(), learningRate(cfg, i));
      expect(loss).toBe(r.active.finalLoss);
      expect(r.config.params).toBe(st.model.countParams());
    } finally {
      st.dispose();
    }
  });

  it("times the data-parallel step (threads) interleaved with one thread, on the same steps", async () => {
    const r = await benchTrainStep({
      batch: 4,
      d: 8,
      S: 3,
      filters: 4,
      steps: 3,
      warmup: 1,
      compareStock: false,
      pytorch: false,
      threads: 2,
    });
    if (!r.active.ok || r.threads === undefined || !r.threads.ok)
      throw new Error(`runs failed: ${JSON.stringify(r.threads)}`);
    expect(r.threads.threads).toBe(2);
    expect(r.threads.ratio).toBeCloseTo(r.threads.stepsPerSec / r.threads.oneThreadStepsPerSec, 10);
    expect(r.threads.ratioToPytorch).toBeCloseTo(r.threads.stepsPerSec / PYTORCH_CPU_STEPS_PER_SEC, 10);
    // 4 steps from the same seeds: one thread's loss up to float32 summation order.
    expect(Math.abs(r.threads.finalLoss - r.active.finalLoss)).toBeLessThanOrEqual(1e-4 * r.active.finalLoss);
    // One thread needs no comparison.
    const single = await benchTrainStep({
      batch: 4,
      d: 8,
      S: 3,
      filters: 4,
      steps: 1,
      warmup: 1,
      compareStock: false,
      pytorch: false,
      threads: 1,
    });
    expect(single.threads).toBeUndefined();
    expect(single.pytorch).toBeUndefined();
  });

  it("refuses bad sizes before building anything", async () => {
    await expect(benchTrainStep({ steps: 0 })).rejects.toThrow(/steps: must be a positive integer/);
    await expect(benchTrainStep({ d: 48 })).rejects.toThrow(/d: 48 leaves is not a power of m=2/);
  });
});

test("DEFAULT_SHAPE_BENCH is ghm train's default denoiser shape (grammar, width, batch)", () => {
  const d = defaultTrainConfig("denoiser", "unet");
  const b = benchTrainConfig(DEFAULT_SHAPE_BENCH);
  expect(b.grammar).toEqual(d.grammar);
  expect(b.net.width).toBe(d.net.width);
  expect(b.batchSize).toBe(d.batchSize);
});
