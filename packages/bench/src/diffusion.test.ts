import { benchDiffusion } from "./diffusion";

it("benchDiffusion: BP and U-Net samples/s from their own timings, each beside the time inside its denoiser", async () => {
  const r = await benchDiffusion({ steps: 5, n: 20, width: 8 });
  expect(r.samplesPerSecond).toBeCloseTo(20 / r.seconds, 10);
  expect(r.bp.samplesPerSecond).toBe(r.samplesPerSecond);
  expect(r.metrics!.n).toBe(20);
  expect(r.config.grammar).toMatch(/rhm S=8 C=8 k=2 m=2 L=3/);
  expect(r.config).toMatchObject({ process: "vp", sampler: "ddpm", steps: 5, n: 20, denoiser: "bp" });
  const u = r.unet!;
  expect(u.width).toBe(8);
  expect(u.params).toBeGreaterThan(0);
  for (const s of [r.bp, u.device, u.host]) {
    expect(s.samplesPerSecond).toBeCloseTo(20 / s.seconds, 10);
    // The denoiser's calls are part of the run: a floor above the sampler's rate, a share in (0, 1].
    expect(s.denoiserSeconds).toBeGreaterThan(0);
    expect(s.denoiserSeconds).toBeLessThanOrEqual(s.seconds);
    expect(s.floorSamplesPerSecond).toBeCloseTo(20 / s.denoiserSeconds, 8);
    expect(s.ratioToFloor).toBeCloseTo(s.denoiserSeconds / s.seconds, 10);
  }
});

it("benchDiffusion: no U-Net for the discrete processes", async () => {
  const r = await benchDiffusion({ process: "mask", steps: 3, n: 10, metrics: false });
  expect(r.unet).toBeUndefined();
  expect(r.bp.ratioToFloor).toBeGreaterThan(0);
});
