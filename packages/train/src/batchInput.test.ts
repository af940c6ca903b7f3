import { Rng, randomRhm, sample } from "@ghmkit/ghm";
import { evidenceToNetInput } from "@ghmkit/nets";
import { initBackend, tf } from "@ghmkit/tensor";
import { noisyNetInput } from "./batchInput";
import type { NoiseSpec } from "./config";
import { observe } from "./data";

const g = randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 4, seed: 3 });
const d = 16;
const S = 8;

/** What the training step computed before batchInput.ts: observe, then nets' evidenceToNetInput. */
function reference(x: Int32Array, n: number, noise: NoiseSpec, rng: Rng): Float32Array {
  const t = evidenceToNetInput(observe(x, n, d, S, noise, rng).evidence);
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("noisyNetInput", () => {
  const noises: [string, NoiseSpec][] = [
    ["exact", { kind: "exact" }],
    ["gaussian, uniform abar", { kind: "gaussian", abarMin: 0.01, abarMax: 0.99 }],
    ["gaussian, logsnr", { kind: "gaussian", abarMin: 1e-4, abarMax: 0.9999, sampling: "logsnr" }],
    ["gaussian, schedule", { kind: "gaussian", abarMin: 0.001, abarMax: 0.999, sampling: "schedule", steps: 50 }],
  ];
  test.each(noises)(
    "%s: bit-identical to evidenceToNetInput(observe(...)), and leaves the stream in the same state",
    (_, noise) => {
      const n = 24;
      const { x } = sample(g, n, new Rng(5));
      const a = new Rng(9);
      const b = new Rng(9);
      const want = reference(x, n, noise, a);
      const got = noisyNetInput(x, n, d, S, noise, b);
      expect(got.length).toBe(n * d * S);
      for (let i = 0; i < got.length; i++)
        if (!Object.is(got[i], want[i])) throw new Error(`entry ${i}: ${got[i]} != ${want[i]}`);
      expect(b.getState()).toEqual(a.getState());
      expect(tf.memory().numTensors).toBe(0);
    },
  );

  test("writes into a given buffer and refuses one of the wrong size", () => {
    const { x } = sample(g, 2, new Rng(1));
    const out = new Float32Array(2 * d * S);
    expect(noisyNetInput(x, 2, d, S, { kind: "exact" }, new Rng(0), out)).toBe(out);
    expect(() => noisyNetInput(x, 2, d, S, { kind: "exact" }, new Rng(0), new Float32Array(3))).toThrow(
      /out has 3 entries, expected 256/,
    );
  });
});
