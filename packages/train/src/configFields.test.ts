import { makeTrainConfig } from "./config";

describe("config fields", () => {
  it("refuses an unknown nested field instead of saving and ignoring it", () => {
    expect(() => makeTrainConfig("classifier", "convnet", { optimizer: { learningRate: 0.1 } } as never)).toThrow(
      /^config\.optimizer\.learningRate: unknown field/,
    );
    expect(() => makeTrainConfig("classifier", "convnet", { optimiser: {} } as never)).toThrow(
      /^config\.optimiser: unknown field/,
    );
  });

  it("refuses a field of another noise kind", () => {
    expect(() => makeTrainConfig("classifier", "convnet", { noise: { abarMax: NaN } } as never)).toThrow(
      /^config\.noise\.abarMax/,
    );
  });

  it("still merges known nested fields over the defaults", () => {
    const cfg = makeTrainConfig("denoiser", "unet", { optimizer: { lr: 1e-3 }, data: { testSize: 64 } });
    expect(cfg.optimizer.lr).toBe(1e-3);
    expect(cfg.optimizer.beta1).toBe(0.9);
    expect(cfg.data.testSize).toBe(64);
  });
});
