import { benchDiffusion } from "./diffusion";

it("benchDiffusion: samples/s from its own timing, the sampler it was asked for, metrics on the samples", async () => {
  const r = await benchDiffusion({ steps: 5, n: 20 });
  expect(r.samplesPerSecond).toBeCloseTo(20 / r.seconds, 10);
  expect(r.metrics!.n).toBe(20);
  expect(r.config.grammar).toMatch(/rhm S=8 C=8 k=2 m=2 L=3/);
  expect(r.config).toMatchObject({ process: "vp", sampler: "ddpm", steps: 5, n: 20, denoiser: "bp" });
});
