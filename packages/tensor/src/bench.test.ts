import { initBackend } from "./backend";
import { benchTrainStep, PYTORCH_CPU_STEPS_PER_SEC } from "./bench";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("benchTrainStep", () => {
  it("times custom kernels, the minimal set, and reports that stock wasm cannot train", async () => {
    const r = await benchTrainStep({ batch: 4, d: 8, S: 3, filters: 4, steps: 2, warmup: 1 });
    expect(r.backend.name).toBe("wasm");
    expect(r.referenceStepsPerSec).toBe(PYTORCH_CPU_STEPS_PER_SEC);
    expect(r.config).toMatchObject({ batch: 4, d: 8, S: 3, m: 2, filters: 4, steps: 2, warmup: 1 });
    if (!r.active.ok || r.minimal === undefined || !r.minimal.ok) throw new Error("custom runs failed");
    expect(r.active.stepsPerSec).toBeGreaterThan(0);
    expect(r.active.ratioToPytorch).toBeCloseTo(r.active.stepsPerSec / PYTORCH_CPU_STEPS_PER_SEC, 10);
    expect(r.minimal.finalLoss).toBeCloseTo(r.active.finalLoss, 4);
    expect(r.stock).toEqual({ ok: false, error: expect.stringMatching(/Conv2DBackpropFilter/) });
  });

  it("refuses bad sizes before building anything", async () => {
    await expect(benchTrainStep({ steps: 0 })).rejects.toThrow(/steps: must be a positive integer/);
    await expect(benchTrainStep({ d: 48 })).rejects.toThrow(/d: 48 leaves is not a power of m=2/);
  });
});
