import { qSampleVP } from "@ghmkit/diffusion";
import { Rng, gaussianEvidenceFromZ, randomRhm, sample } from "@ghmkit/ghm";
import { evidenceToNetInput } from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { predictLogits } from "./evaluate";
import { softmaxRows } from "./metrics";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";
import { trainRun } from "./trainer";
import { loadUNetDenoiser } from "./unetDenoiser";

afterAll(removeTempDirs);

test("the U-Net adapter serves p(x_0 | x_t) with the trainer's input convention", async () => {
  const dir = tempDir("adapter");
  const cfg = tinyConfig("denoiser", "unet", { maxSteps: 3, evalEvery: 3 });
  await trainRun(cfg, { outDir: dir });
  const before = tf.memory().numTensors;
  const loaded = await loadUNetDenoiser(dir, { batchSize: 5 });
  expect(loaded.meta.task).toBe("denoiser");
  expect(loaded.dir).toBe(`${dir}/checkpoints/step-00000003/model`);

  const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 });
  const n = 12;
  const abar = 0.4;
  const x0 = sample(g, n, new Rng(1)).x;
  const xt = qSampleVP(x0, 4, abar, new Rng(2));
  const p = await loaded.denoiser.posterior({ process: "vp", batch: n, d: 4, S: 4, abar, xt });
  expect(p.length).toBe(n * 4 * 4);
  for (let r = 0; r < n * 4; r++) {
    const row = p.subarray(r * 4, r * 4 + 4);
    expect(row.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  }
  // Training-side path: the gaussian evidence of the same z with alpha = sqrt(abar), sigma^2 = 1 - abar.
  const ev = gaussianEvidenceFromZ(xt, n, 4, 4, Math.sqrt(abar), Math.sqrt(1 - abar));
  const input = evidenceToNetInput(ev);
  const ref = softmaxRows(await predictLogits(loaded.model, input, 64), n * 4, 4);
  input.dispose();
  for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(ref[i], 5);

  await expect(async () =>
    loaded.denoiser.posterior({ process: "mask", batch: 1, d: 4, S: 4, abar, xt: new Int32Array(4) }),
  ).rejects.toThrow(/trained for vp/);
  await expect(async () =>
    loaded.denoiser.posterior({ process: "vp", batch: 1, d: 2, S: 4, abar, xt: new Float64Array(8) }),
  ).rejects.toThrow(/d = 4/);
  loaded.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

test("loading refuses a classifier and a directory without a model", async () => {
  const dir = tempDir("cls");
  await trainRun(tinyConfig("classifier", "convnet", { maxSteps: 1, evalEvery: 1 }), { outDir: dir });
  await expect(loadUNetDenoiser(dir)).rejects.toThrow(/a denoiser is needed/);
  await expect(loadUNetDenoiser(tempDir("empty"))).rejects.toThrow(/neither a model directory/);
});
