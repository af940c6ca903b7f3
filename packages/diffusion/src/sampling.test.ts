import { randomRhm } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser } from "./bpDenoiser";
import { DEFAULT_BENCH_RHM, benchDiffusion } from "./bench";
import { generate } from "./generate";
import { sampleMetrics } from "./metrics";

/** End-to-end sampling with the exact BP denoiser on the default RHM (d = 8). */
const g = randomRhm(DEFAULT_BENCH_RHM);

it("DDPM with the BP denoiser generates valid sentences", async () => {
  const out = await generate({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 50, n: 100, seed: 1 });
  expect(sampleMetrics(g, out.x, out.n).validity).toBeGreaterThanOrEqual(0.9);
});

it("DDIM (probability flow) with the BP denoiser generates valid sentences", async () => {
  const out = await generate({ grammar: g, denoiser: bpDenoiser(g), process: "vp", sampler: "ddim", steps: 50, n: 100, seed: 2 });
  expect(sampleMetrics(g, out.x, out.n).validity).toBeGreaterThanOrEqual(0.9);
});

describe.each(["uniform", "mask"] as const)("discrete %s sampler", (process) => {
  it("is exact with joint draws: every sample valid", async () => {
    const out = await generate({ grammar: g, denoiser: bpJointDenoiser(g), process, steps: 20, n: 100, seed: 3, x0: "joint" });
    expect(sampleMetrics(g, out.x, out.n).validity).toBe(1);
  });

  it("stays mostly valid with factorised per-leaf steps", async () => {
    const out = await generate({ grammar: g, denoiser: bpDenoiser(g), process, steps: 50, n: 100, seed: 4 });
    expect(sampleMetrics(g, out.x, out.n).validity).toBeGreaterThanOrEqual(0.8);
  });
});

it("bench smoke run", async () => {
  const r = await benchDiffusion({ steps: 5, n: 20 });
  expect(r.samplesPerSecond).toBeGreaterThan(0);
  expect(r.metrics!.n).toBe(20);
  expect(r.config.grammar).toMatch(/rhm S=8 C=8 k=2 m=2 L=3/);
});
