import { Rng, gaussianEvidenceFromZ, noisyEvidence } from "@ghmkit/ghm";
import { initBackend, tf } from "@ghmkit/tensor";
import type { NetConfig } from "./config";
import { evidenceToNetInput } from "./evidence_input";
import { buildModel } from "./model";
import { denoiserShape, netDenoiser, predictLeaves } from "./netDenoiser";

const cfg: NetConfig = {
  depth: 2,
  arity: 2,
  channels: 4,
  classes: 2,
  width: 6,
  activation: "gelu",
  extraConvs: 1,
  seed: 3,
};
let model: tf.LayersModel;

beforeAll(async () => {
  await initBackend("cpu");
  model = buildModel("unet", "denoiser", cfg);
});
afterAll(() => model.dispose());

/** A batch of vp states x_t `[n, 4, 4]` at level abar. */
function states(n: number, abar: number): Float64Array {
  const x = Int32Array.from({ length: n * 4 }, (_, i) => (i * 7) % 4);
  return noisyEvidence(x, n, 4, 4, { kind: "vp", abar }, new Rng(2), { keepZ: true }).z!;
}

describe("netDenoiser", () => {
  it("serves p(x_0 | x_t): softmax of the network on training's input convention, in any batch size", async () => {
    const before = tf.memory().numTensors;
    const n = 12;
    const abar = 0.4;
    const xt = states(n, abar);
    const p = await netDenoiser(model, { batchSize: 5 }).posterior({ process: "vp", batch: n, d: 4, S: 4, abar, xt });
    expect(p.length).toBe(n * 4 * 4);
    for (let r = 0; r < n * 4; r++) {
      const row = p.subarray(r * 4, r * 4 + 4);
      expect(row.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // Training's path: the gaussian evidence of the same z with alpha = sqrt(abar), sigma^2 = 1 - abar.
    const ev = gaussianEvidenceFromZ(xt, n, 4, 4, Math.sqrt(abar), Math.sqrt(1 - abar));
    const ref = tf.tidy(() => tf.softmax(model.predict(evidenceToNetInput(ev)) as tf.Tensor, -1).dataSync());
    p.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-6));
    expect(Array.from(await predictLeaves(model, ev, 1024))).toEqual(Array.from(p));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("at abar = 1 the state is clean: the input is exact evidence at each leaf's argmax", async () => {
    const xt = states(2, 1);
    const p = await netDenoiser(model).posterior({ process: "vp", batch: 2, d: 4, S: 4, abar: 1, xt });
    expect(p.every(Number.isFinite)).toBe(true);
  });

  it("refuses noise it was not trained for, another shape, and a model that is not a denoiser", async () => {
    const den = netDenoiser(model, { name: "u" });
    expect(den.name).toBe("u");
    await expect(
      den.posterior({ process: "mask", batch: 1, d: 4, S: 4, abar: 0.5, xt: new Int32Array(4) }),
    ).rejects.toThrow(/trained for vp/);
    await expect(
      den.posterior({ process: "vp", batch: 1, d: 2, S: 4, abar: 0.5, xt: new Float64Array(8) }),
    ).rejects.toThrow(/d = 4/);
    expect(() => netDenoiser(model, { batchSize: 0 })).toThrow(/batchSize/);
    const classifier = buildModel("convnet", "classifier", cfg);
    expect(() => denoiserShape(classifier)).toThrow(/a denoiser maps \[batch, d, S\]/);
    classifier.dispose();
    expect(denoiserShape(model)).toEqual({ d: 4, S: 4 });
  });
});
