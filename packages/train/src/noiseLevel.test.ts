import { Rng } from "@ghmkit/ghm";
import { linearSchedule } from "@ghmkit/diffusion";
import { makeTrainConfig } from "./config";
import type { GaussianNoise } from "./config";
import { abarSampler, scheduleLevels } from "./noiseLevel";

const draws = (noise: GaussianNoise, n = 20000): number[] => {
  const draw = abarSampler(noise);
  const rng = new Rng(5);
  return Array.from({ length: n }, () => draw(rng));
};
const frac = (xs: number[], pred: (x: number) => boolean): number => xs.filter(pred).length / xs.length;
const logit = (a: number): number => Math.log(a / (1 - a));

describe("abar sampling", () => {
  test("uniform (the default when sampling is absent): flat in abar over the range", () => {
    const xs = draws({ kind: "gaussian", abarMin: 0.2, abarMax: 0.6 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(0.6);
    expect(frac(xs, (a) => a < 0.3)).toBeCloseTo(0.25, 1);
  });

  test("logsnr: flat in log(abar / (1 - abar)), so each decade of SNR gets the same share", () => {
    const xs = draws({ kind: "gaussian", abarMin: 1e-3, abarMax: 0.999, sampling: "logsnr" });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-3);
    expect(Math.max(...xs)).toBeLessThanOrEqual(0.999);
    const l0 = logit(1e-3);
    const l1 = logit(0.999);
    for (const q of [0.1, 0.25, 0.5, 0.9]) {
      expect(frac(xs, (a) => logit(a) < l0 + q * (l1 - l0))).toBeCloseTo(q, 1);
    }
    expect(frac(xs, (a) => a < 0.5)).toBeCloseTo(0.5, 1); // symmetric range: the median is abar = 1/2
  });

  test("schedule: abar(t) for t uniform over the linear schedule's timesteps inside the range", () => {
    const s = linearSchedule({ T: 1000 });
    const levels = scheduleLevels("linear", 0.05, 0.9999);
    const inRange = Array.from({ length: 1000 }, (_, i) => s.abar(i + 1)).filter((a) => a >= 0.05 && a <= 0.9999);
    expect(Array.from(levels)).toEqual(inRange);
    const xs = draws({ kind: "gaussian", abarMin: 0.05, abarMax: 0.9999, sampling: "schedule" });
    const allowed = new Set(levels);
    expect(xs.every((a) => allowed.has(a))).toBe(true);
    // The share above abar = 0.5 is the share of timesteps above it.
    expect(frac(xs, (a) => a > 0.5)).toBeCloseTo(
      frac(inRange, (a) => a > 0.5),
      1,
    );
    const cos = draws(
      { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, sampling: "schedule", schedule: "cosine" },
      200,
    );
    expect(cos.every((a) => scheduleLevels("cosine", 0.01, 0.99).includes(a))).toBe(true);
  });

  test.each([
    [
      { kind: "gaussian", abarMin: 0.1, abarMax: 0.9, sampling: "log" },
      /config.noise.sampling: must be one of uniform, logsnr, schedule/,
    ],
    [
      { kind: "gaussian", abarMin: 0.1, abarMax: 0.9, schedule: "cosine" },
      /config.noise.schedule: applies to sampling "schedule" only/,
    ],
    [
      { kind: "gaussian", abarMin: 0.1, abarMax: 0.9, sampling: "schedule", schedule: "sqrt" },
      /config.noise.schedule: must be "linear" or "cosine"/,
    ],
    [
      { kind: "gaussian", abarMin: 0.99995, abarMax: 0.99996, sampling: "schedule" },
      /config.noise.abarMin: no timestep of the linear schedule/,
    ],
  ])("bad noise %j is named in the error", (noise, msg) => {
    expect(() => makeTrainConfig("denoiser", "unet", { noise: noise as never })).toThrow(msg);
  });

  test("the new fields are accepted and kept", () => {
    const noise: GaussianNoise = {
      kind: "gaussian",
      abarMin: 0.01,
      abarMax: 0.9999,
      sampling: "schedule",
      schedule: "cosine",
    };
    expect(makeTrainConfig("denoiser", "unet", { noise }).noise).toEqual(noise);
  });
});
