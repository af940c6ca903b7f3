import { generate, qSampleVP } from "@ghmkit/diffusion";
import { Rng, randomRhm, sample } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";
import { trainRun } from "./trainer";
import { loadUNetDenoiser } from "./unetDenoiser";

afterAll(removeTempDirs);

const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 });

test("the U-Net's VP loop on the backend: same posterior and step as the host adapter, samples agree, no tensor left", async () => {
  const dir = tempDir("device");
  await trainRun(tinyConfig("denoiser", "unet", { maxSteps: 4, evalEvery: 4 }), { outDir: dir });
  const loaded = await loadUNetDenoiser(dir, { batchSize: 5, device: true });
  const device = loaded.denoiser.vpDevice!;
  const before = tf.memory().numTensors;

  // One step's posterior, device vs host adapter (float32 vs float64 evidence), at two levels and abar = 1.
  const n = 12;
  const x0 = sample(g, n, new Rng(1)).x;
  for (const abar of [0.3, 0.9, 1]) {
    const xt = qSampleVP(x0, 4, abar, new Rng(2));
    const host = await loaded.denoiser.posterior({ process: "vp", batch: n, d: 4, S: 4, abar, xt });
    const h = device.upload(xt, n);
    const p = await device.posterior(h, n, abar);
    const got = (p as tf.Tensor).dataSync();
    for (let i = 0; i < host.length; i++) expect(got[i]).toBeCloseTo(host[i], 5);
    device.dispose(p);
    device.dispose(h);
  }
  expect(tf.memory().numTensors).toBe(before);

  const common = { grammar: g, denoiser: loaded.denoiser, process: "vp" as const, steps: 20, n: 40, seed: 3 };
  const dev = await generate(common);
  const host = await generate({ ...common, onDevice: false });
  expect(dev.config.onDevice).toBe(true);
  let same = 0;
  for (let i = 0; i < dev.x.length; i++) if (dev.x[i] === host.x[i]) same++;
  // Same draws; only float32 rounding separates the two trajectories.
  expect(same / dev.x.length).toBeGreaterThan(0.95);
  expect(tf.memory().numTensors).toBe(before);
  expect(() => device.upload(new Float64Array(5), 2)).toThrow(/batch \* d \* S = 2 \* 4 \* 4/);
  loaded.dispose();
});
