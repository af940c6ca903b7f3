import { defaultTrainConfig, makeTrainConfig } from "./config";
import { learningRate } from "./lrSchedule";
import { validateTrainConfig } from "./validate";

describe("config", () => {
  test("defaults are valid for every task/arch pair the nets support", () => {
    for (const arch of ["convnet", "flat", "mlp"] as const)
      expect(() => validateTrainConfig(defaultTrainConfig("classifier", arch))).not.toThrow();
    for (const arch of ["unet", "unet-noskip", "flat", "mlp"] as const)
      expect(() => validateTrainConfig(defaultTrainConfig("denoiser", arch))).not.toThrow();
  });

  test("overrides merge one level deep; kinds are replaced whole", () => {
    const c = makeTrainConfig("denoiser", "unet", {
      optimizer: { lr: 0.5 } as never,
      noise: { kind: "gaussian", abarMin: 0.2, abarMax: 0.3 },
    });
    expect(c.optimizer.lr).toBe(0.5);
    expect(c.optimizer.beta1).toBe(0.9);
    expect(c.noise).toEqual({ kind: "gaussian", abarMin: 0.2, abarMax: 0.3 });
  });

  test.each([
    [
      { arch: "unet" },
      "classifier",
      /config.arch: "unet" has no classifier; for task classifier use convnet, flat, mlp/,
    ],
    [{ batchSize: 0 }, "classifier", /config.batchSize: must be an integer/],
    [
      { data: { trainSize: 10, testSize: 5 }, batchSize: 64 },
      "classifier",
      /config.batchSize: 64 is larger than data.trainSize/,
    ],
    [{ optimizer: { lr: NaN } }, "classifier", /config.optimizer.lr: must be a number/],
    [{ noise: { kind: "gaussian", abarMin: 0.1, abarMax: 1 } }, "denoiser", /config.noise.abarMax: must be below 1/],
    [{ noise: { kind: "exact" } }, "denoiser", /config.noise.kind: a denoiser needs noisy inputs/],
    [{ evalAbar: [0.5] }, "classifier", /config.evalAbar: is for denoisers only/],
    [
      { grammar: { kind: "rhm", S: 8, classes: 9, k: 2, arity: 2, depth: 3, seed: 1 } },
      "classifier",
      /config.grammar.classes/,
    ],
    [{ net: { width: 0 } }, "classifier", /config.net.width/],
    [{ net: { initApproxWidth: 8 } }, "denoiser", /config.net.initApproxWidth: applies to net.init "compiled" only/],
    [{ net: { init: "compiled", initApproxWidth: 0 } }, "denoiser", /config.net.initApproxWidth/],
  ])("bad field %j is named in the error", (over, task, msg) => {
    const arch = task === "classifier" ? "convnet" : "unet";
    expect(() => makeTrainConfig(task as "classifier", arch as "convnet", over as never)).toThrow(msg);
  });

  test("learning rate: linear warm-up, then constant or cosine to lr * minLrFrac", () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      maxSteps: 110,
      optimizer: { lr: 1, warmupSteps: 10, minLrFrac: 0.1, schedule: "cosine" } as never,
    });
    expect(learningRate(cfg, 0)).toBeCloseTo(0.1, 12);
    expect(learningRate(cfg, 9)).toBeCloseTo(1, 12);
    expect(learningRate(cfg, 10)).toBeCloseTo(1, 12);
    expect(learningRate(cfg, 60)).toBeCloseTo(0.55, 12);
    expect(learningRate(cfg, 110)).toBeCloseTo(0.1, 12);
    const flat = { ...cfg, optimizer: { ...cfg.optimizer, schedule: "constant" as const } };
    expect(learningRate(flat, 100)).toBe(1);
  });
});
