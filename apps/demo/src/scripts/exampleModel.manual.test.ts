/**
 * Trains the example U-Net shipped in public/models/rhm-unet (not part of the normal
 * test run; it takes minutes). Run from apps/demo:
 *
 *   GHM_TRAIN_EXAMPLE=1 npx jest src/scripts/exampleModel.manual.test.ts
 *
 * It is train's default denoiser run (defaultTrainConfig("denoiser", "unet"): the
 * default RHM S = 8, C = 8, k = 2, m = 2, L = 3, seed 1; gaussian noise with abar in
 * [0.05, 0.95]; width 64), then copies the final model directory (model.json,
 * weights.bin, ghm-model.json) into public/, where the page's "Load the example
 * U-Net" button finds it.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { defaultTrainConfig, latestCheckpoint, trainRun } from "@ghmkit/train";

const TARGET = path.resolve(__dirname, "../../public/models/rhm-unet");

(process.env.GHM_TRAIN_EXAMPLE ? test : test.skip)(
  "train the example U-Net",
  async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), "ghm-demo-unet-"));
    const cfg = defaultTrainConfig("denoiser", "unet");
    const res = await trainRun(cfg, {
      outDir,
      onProgress: (p) => {
        if (p.eval) console.log(JSON.stringify(p.eval));
      },
    });
    console.log(res.status, res.message);
    expect(res.status).toBe("max-steps");
    const ckpt = latestCheckpoint(outDir);
    expect(ckpt).not.toBeNull();
    rmSync(TARGET, { recursive: true, force: true });
    cpSync(path.join(ckpt!, "model"), TARGET, { recursive: true });
    rmSync(outDir, { recursive: true, force: true });
  },
  3_600_000,
);
