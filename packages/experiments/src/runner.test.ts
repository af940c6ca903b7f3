import { jobCost } from "./runner";

describe("jobCost (longest-first order of a suite's pool)", () => {
  const train = { width: 64, extraConvs: 1, steps: 3000, batchSize: 256, lr: 3e-3, testSize: 256 };
  it("is steps x min(batch, P) x width for training jobs", () => {
    expect(jobCost({ train }, { id: "unet-P1024-s0", params: { P: 1024 } })).toBe(3000 * 256 * 64);
    expect(jobCost({ train }, { id: "unet-P16-s0", params: { P: 16 } })).toBe(3000 * 16 * 64);
  });
  it("is 1 for jobs that do not train (references, exact BP)", () => {
    expect(jobCost({ train }, { id: "exact-s0", params: { rep: 0 } })).toBe(1);
    expect(jobCost({ n: 5 }, { id: "vp-L2-s0", params: { P: 3 } })).toBe(1);
  });
  it("orders the diffusion recipe before a short classifier run", () => {
    const diffusion = jobCost({ train }, { id: "d", params: { P: 1024 } });
    const classifier = jobCost(
      { train: { ...train, width: 32, steps: 200, batchSize: 32 } },
      { id: "c", params: { P: 512 } },
    );
    expect(diffusion).toBeGreaterThan(100 * classifier);
  });
});
