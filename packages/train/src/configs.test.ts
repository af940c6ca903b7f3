import * as fs from "node:fs";
import * as path from "node:path";
import { makeTrainConfig } from "./config";

const dir = path.join(__dirname, "..", "configs");

describe("shipped configs (packages/train/configs, for ghm train --config)", () => {
  test.each(fs.readdirSync(dir).filter((f) => f.endsWith(".json")))(
    "%s is a valid denoiser config with a fixed training set",
    (file) => {
      const over = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
      const cfg = makeTrainConfig("denoiser", "unet", over);
      expect(cfg.data.trainSize).toBeGreaterThan(0); // so the run writes train.json for the copy fraction
      expect(Object.keys(over).every((k) => k in cfg)).toBe(true);
      // The sampler the recipe was measured with, so `ghm diffuse --denoiser RUN` uses it by default.
      expect(cfg.diffusion).toEqual(expect.objectContaining({ process: "vp", steps: expect.any(Number) }));
    },
  );
});
