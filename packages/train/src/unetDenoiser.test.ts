import { tf } from "@ghmkit/tensor";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";
import { trainRun } from "./trainer";
import { loadUNetDenoiser } from "./unetDenoiser";

afterAll(removeTempDirs);

// The adapter itself (probabilities, input convention, refusals) is tested in nets' netDenoiser.test.ts.
test("loads a training run's latest checkpoint as a Denoiser, named after its architecture", async () => {
  const dir = tempDir("adapter");
  const cfg = tinyConfig("denoiser", "unet", { maxSteps: 3, evalEvery: 3 });
  await trainRun(cfg, { outDir: dir });
  const before = tf.memory().numTensors;
  const loaded = await loadUNetDenoiser(dir, { batchSize: 5 });
  expect(loaded.meta.task).toBe("denoiser");
  expect(loaded.dir).toBe(`${dir}/checkpoints/step-00000003/model`);
  expect(loaded.denoiser.name).toBe("unet");
  const abar = 0.4;
  const xt = new Float64Array(3 * 4 * 4).fill(0.25);
  const p = await loaded.denoiser.posterior({ process: "vp", batch: 3, d: 4, S: 4, abar, xt });
  expect(p.length).toBe(3 * 4 * 4);
  loaded.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

test("loading refuses a classifier and a directory without a model", async () => {
  const dir = tempDir("cls");
  await trainRun(tinyConfig("classifier", "convnet", { maxSteps: 1, evalEvery: 1 }), { outDir: dir });
  await expect(loadUNetDenoiser(dir)).rejects.toThrow(/a denoiser is needed/);
  await expect(loadUNetDenoiser(tempDir("empty"))).rejects.toThrow(/neither a model directory/);
});
