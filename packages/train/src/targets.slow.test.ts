/**
 * The package's accuracy targets on the default RHM (S = 8, C = 8, k = 2, m = 2, L = 3),
 * with the default configs. Minutes each on 2 cores, so opt-in (nightly CI sets GHM_NIGHTLY=1):
 *   GHM_TRAIN_TARGETS=1 npx jest src/targets.slow.test.ts   (or GHM_NIGHTLY=1)
 */
import { defaultTrainConfig } from "./config";
import { removeTempDirs, tempDir } from "./testing/tiny";
import { type EvalRecord, trainRun } from "./trainer";

const run = process.env.GHM_TRAIN_TARGETS === "1" || process.env.GHM_NIGHTLY === "1" ? test : test.skip;
const MINUTES = 60_000;

afterAll(removeTempDirs);

async function train(task: "classifier" | "denoiser", arch: "convnet" | "unet" | "unet-noskip"): Promise<EvalRecord> {
  const t0 = Date.now();
  const res = await trainRun(defaultTrainConfig(task, arch), { outDir: tempDir(arch) });
  const e = res.lastEval!;
  console.log(`${arch}: ${((Date.now() - t0) / 1000).toFixed(0)} s`, JSON.stringify(e));
  return e;
}

const atHalf = (e: EvalRecord) => e.levels!.find((l) => l.abar === 0.5)!;

run(
  "convnet classifier: test accuracy within 2 points of Bayes",
  async () => {
    const e = await train("classifier", "convnet");
    expect(e.gap).toBeLessThanOrEqual(0.02);
  },
  10 * MINUTES,
);

run(
  "U-Net denoiser within 10% of the Bayes MSE at abar = 0.5; the no-skip U-Net clearly above",
  async () => {
    const unet = atHalf(await train("denoiser", "unet"));
    expect(unet.ratio).toBeLessThanOrEqual(1.1);
    const noskip = atHalf(await train("denoiser", "unet-noskip"));
    expect(noskip.ratio).toBeGreaterThan(1.1);
    expect(noskip.ratio - 1).toBeGreaterThan(2 * (unet.ratio - 1));
  },
  20 * MINUTES,
);
