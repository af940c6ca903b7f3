import * as fs from "node:fs";
import { type NetConfig, modelMetaJson } from "@ghmkit/nets";
import * as path from "node:path";
import { InputError, Rng } from "@ghmkit/ghm";
import { defaultTrainConfig, makeTrainConfig } from "./config";
import type { DiffusionSpec, TrainConfig } from "./config";
import { DEFAULT_DIFFUSION, diffusionNoise, readDiffusionSpec, samplerLevels } from "./diffusionSpec";
import { abarSampler } from "./noiseLevel";
import { validateTrainConfig } from "./validate";
import { trainRun } from "./trainer";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";

afterAll(removeTempDirs);

// Written out from the definitions (Ho et al. 2020; Nichol & Dhariwal 2021), not through the diffusion package.
function linearAbar(T: number): number[] {
  const abar = [1];
  for (let t = 1; t <= T; t++) abar.push(abar[t - 1] * (1 - (1e-4 + ((0.02 - 1e-4) * (t - 1)) / (T - 1))));
  return abar;
}
function cosineAbar(T: number): number[] {
  const f = (u: number): number => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const c = (u: number): number => Math.max(1e-12, f(u) / f(0));
  const abar = [1];
  for (let t = 1; t <= T; t++) abar.push(abar[t - 1] * (1 - Math.min(0.999, 1 - c(t / T) / c((t - 1) / T))));
  return abar;
}
/** The abar a T'-step sampler evaluates its denoiser at: t_k = round(k T / T'), k = T'..1, T = max(1000, T'). */
function expectedLevels(schedule: "linear" | "cosine", steps: number): number[] {
  const T = Math.max(1000, steps);
  const abar = schedule === "linear" ? linearAbar(T) : cosineAbar(T);
  return Array.from({ length: steps }, (_, i) => abar[Math.round(((steps - i) * T) / steps)]);
}
const close = (got: ArrayLike<number>, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(1e-12 + 1e-9 * w));
};

describe("noise levels derived from the sampler", () => {
  test.each([
    ["linear", 7],
    ["linear", 200],
    ["cosine", 100],
    ["cosine", 1000],
    ["linear", 1500], // T = 1500
  ] as const)("%s schedule, %i steps: abar at the sampler's timesteps", (schedule, steps) => {
    close(samplerLevels(schedule, steps), expectedLevels(schedule, steps));
  });

  test("a config with only a diffusion section trains on exactly those levels, each equally often", () => {
    const cfg = makeTrainConfig("denoiser", "unet", {
      diffusion: { process: "vp", schedule: "cosine", steps: 7, sampler: "ddim" },
    });
    const want = expectedLevels("cosine", 7);
    expect(cfg.noise).toMatchObject({ kind: "gaussian", sampling: "schedule", schedule: "cosine", steps: 7 });
    if (cfg.noise.kind !== "gaussian") throw new Error("gaussian expected");
    expect(cfg.noise.abarMin).toBeCloseTo(want[0], 12); // the whole range the sampler visits, noisiest ...
    expect(cfg.noise.abarMax).toBeCloseTo(want[6], 12); // ... to cleanest
    const draw = abarSampler(cfg.noise);
    const rng = new Rng(3);
    const counts = new Array<number>(7).fill(0);
    const n = 14000;
    for (let i = 0; i < n; i++) {
      const a = draw(rng);
      const k = want.findIndex((w) => Math.abs(w - a) < 1e-12);
      expect(k).toBeGreaterThanOrEqual(0);
      counts[k]++;
    }
    // Each level 1/7 of the draws: 5 binomial standard deviations is 0.015.
    for (const c of counts) expect(Math.abs(c / n - 1 / 7)).toBeLessThan(0.015);
  });

  test("the linear 200-step sampler spends 38% of its calls below abar 0.02, and training follows it", () => {
    const cfg = makeTrainConfig("denoiser", "unet", {
      diffusion: { process: "vp", schedule: "linear", steps: 200, sampler: "ddpm" },
    });
    if (cfg.noise.kind !== "gaussian") throw new Error("gaussian expected");
    const draw = abarSampler(cfg.noise);
    const rng = new Rng(4);
    const xs = Array.from({ length: 20000 }, () => draw(rng));
    const share = (pred: (a: number) => boolean, v: number[]): number => v.filter(pred).length / v.length;
    const want = expectedLevels("linear", 200);
    expect(share((a) => a < 0.02, want)).toBeCloseTo(0.38, 2);
    expect(Math.abs(share((a) => a < 0.02, xs) - 0.38)).toBeLessThan(0.02);
    expect(Math.abs(share((a) => a > 0.98, xs) - share((a) => a > 0.98, want))).toBeLessThan(0.01);
  });

  test("fields left out take ghm diffuse's defaults; an explicit schedule-sampled noise gets the sampler's steps", () => {
    const cfg = makeTrainConfig("denoiser", "unet", { diffusion: { steps: 50 } as DiffusionSpec });
    expect(cfg.diffusion).toEqual({ ...DEFAULT_DIFFUSION, steps: 50 });
    const windowed = makeTrainConfig("denoiser", "unet", {
      noise: { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, sampling: "schedule" },
      diffusion: { process: "vp", schedule: "cosine", steps: 100, sampler: "ddpm" },
    });
    expect(windowed.noise).toEqual({
      kind: "gaussian",
      abarMin: 0.01,
      abarMax: 0.99,
      sampling: "schedule",
      schedule: "cosine",
      steps: 100,
    });
    // A uniform noise is kept: the section then only records the sampler (ghm diffuse's defaults).
    const uniform = makeTrainConfig("denoiser", "unet", {
      noise: { kind: "gaussian", abarMin: 0.05, abarMax: 0.95 },
      diffusion: DEFAULT_DIFFUSION,
    });
    expect(uniform.noise).toEqual({ kind: "gaussian", abarMin: 0.05, abarMax: 0.95 });
    expect(diffusionNoise(DEFAULT_DIFFUSION).steps).toBe(200);
  });

  test.each([
    [{ diffusion: { steps: 0 } }, /^config\.diffusion\.steps: must be an integer in \[1, 100000\], got 0/],
    [{ diffusion: { steps: 2.5 } }, /^config\.diffusion\.steps: /],
    [{ diffusion: { process: "mask" } }, /^config\.diffusion\.process: must be "vp"/],
    [{ diffusion: { schedule: "sqrt" } }, /^config\.diffusion\.schedule: must be "linear" or "cosine"/],
    [{ diffusion: { sampler: "euler" } }, /^config\.diffusion\.sampler: must be "ddpm" or "ddim"/],
    [
      { diffusion: { eta: 0.5 } },
      /^config\.diffusion\.eta: unknown field \(known fields: process, schedule, steps, sampler\)/,
    ],
    [{ diffusion: "cosine" }, /^config\.diffusion: must be an object/],
    [
      {
        diffusion: { schedule: "cosine", steps: 100 },
        noise: { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, sampling: "schedule", schedule: "linear" },
      },
      /^config\.noise\.schedule: is "linear" but config\.diffusion\.schedule is "cosine"/,
    ],
    [
      {
        diffusion: { steps: 100 },
        noise: { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, sampling: "schedule", steps: 50 },
      },
      /^config\.noise\.steps: is 50 but config\.diffusion\.steps is 100/,
    ],
    [
      { noise: { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, steps: 50 } },
      /^config\.noise\.steps: applies to sampling "schedule" only/,
    ],
    [
      { noise: { kind: "gaussian", abarMin: 0.01, abarMax: 0.99, sampling: "schedule", steps: 0 } },
      /^config\.noise\.steps: must be an integer/,
    ],
  ])("bad %j is an InputError naming the field", (over, msg) => {
    expect(() => makeTrainConfig("denoiser", "unet", over as never)).toThrow(InputError);
    expect(() => makeTrainConfig("denoiser", "unet", over as never)).toThrow(msg);
  });

  test("a classifier has no sampler", () => {
    expect(() => makeTrainConfig("classifier", "convnet", { diffusion: DEFAULT_DIFFUSION })).toThrow(
      /^config\.diffusion: is for denoisers only/,
    );
  });

  test("configs written before the section still validate, and round-trip through JSON", () => {
    const old = defaultTrainConfig("denoiser", "unet");
    expect("diffusion" in old).toBe(false);
    expect(() => validateTrainConfig(JSON.parse(JSON.stringify(old)) as TrainConfig)).not.toThrow();
    const cfg = makeTrainConfig("denoiser", "unet", {
      diffusion: { process: "vp", schedule: "cosine", steps: 100, sampler: "ddpm" },
    });
    const again = JSON.parse(JSON.stringify(cfg)) as TrainConfig;
    expect(again).toEqual(cfg);
    expect(() => validateTrainConfig(again)).not.toThrow();
  });
});

describe("the section is saved with the run and the model", () => {
  test("config.json and every checkpoint's ghm-model.json carry it; readDiffusionSpec finds it in both", async () => {
    const diffusion: DiffusionSpec = { process: "vp", schedule: "cosine", steps: 9, sampler: "ddim" };
    const cfg = tinyConfig("denoiser", "unet", {
      maxSteps: 2,
      evalEvery: 2,
      diffusion,
      noise: diffusionNoise(diffusion),
    });
    const dir = tempDir("diffusion-spec");
    await trainRun(cfg, { outDir: dir });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")).diffusion).toEqual(diffusion);
    expect(readDiffusionSpec(dir)).toEqual(diffusion);
    const model = path.join(dir, "checkpoints", "step-00000002", "model");
    expect(JSON.parse(fs.readFileSync(path.join(model, "ghm-model.json"), "utf8")).extra.diffusion).toEqual(diffusion);
    expect(readDiffusionSpec(model)).toEqual(diffusion);
  });

  test("a run or model without it reads as null", () => {
    const dir = tempDir("old-run");
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(defaultTrainConfig("denoiser", "unet")));
    expect(readDiffusionSpec(dir)).toBeNull();
    const model = tempDir("old-model");
    const config = {
      depth: 2,
      arity: 2,
      channels: 4,
      classes: 4,
      width: 8,
      activation: "relu",
      extraConvs: 1,
      seed: 0,
    };
    const meta = modelMetaJson({ arch: "unet", task: "denoiser", config: config as NetConfig, extra: { noise: {} } });
    fs.writeFileSync(path.join(model, "ghm-model.json"), meta);
    expect(readDiffusionSpec(model)).toBeNull();
  });
});
