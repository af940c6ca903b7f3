import { runBP } from "@ghmkit/bp";
import {
  type Evidence,
  type Grammar,
  Rng,
  exactEvidence,
  noisyEvidence,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
  sample,
} from "@ghmkit/ghm";
import { tf, initBackend } from "@ghmkit/tensor";
import { evidenceToNetInput } from "../evidence_input";
import { expectedParamCount } from "../params";
import { loadModel, saveModel } from "../save";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileBPModel, compiledWidth } from "./bp_model";

beforeAll(async () => {
  await initBackend("wasm");
});

function softmaxRows(v: Float32Array, K: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let r = 0; r < v.length / K; r++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, v[r * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += out[r * K + k] = Math.exp(v[r * K + k] - mx);
    for (let k = 0; k < K; k++) out[r * K + k] /= s;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let mx = 0;
  for (let i = 0; i < a.length; i++) mx = Math.max(mx, Math.abs(a[i] - b[i]));
  return mx;
}

/** Evidence as the network sees it: clipped at -20 per leaf (what the compiled model is exact for). */
function clipped(ev: Evidence): Evidence {
  const e = new Float64Array(ev.e.length);
  for (let r = 0; r < ev.batch * ev.d; r++) {
    let mx = -Infinity;
    for (let s = 0; s < ev.S; s++) mx = Math.max(mx, ev.e[r * ev.S + s]);
    for (let s = 0; s < ev.S; s++) e[r * ev.S + s] = Math.max(ev.e[r * ev.S + s] - mx, -20);
  }
  return { ...ev, e };
}

const grammars: [string, Grammar][] = [
  ["rhm S=8 C=8 k=2 m=2 L=3", randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 })],
  ["rhm S=6 C=3 k=3 m=3 L=2", randomRhm({ S: 6, classes: 3, k: 3, arity: 3, depth: 2, seed: 2 })],
  ["rhm S=4 C=4 k=2 m=2 L=7", randomRhm({ S: 4, classes: 4, k: 2, arity: 2, depth: 7, seed: 3 })],
  [
    "product S=4 m=2 L=4",
    randomProductGrammar({ depth: 4, arity: 2, vocab: 4, classes: 3, p: 0.3, scale: 3, seed: 4 }),
  ],
  [
    "product with zeros S=3 m=2 L=3",
    randomProductGrammar({ depth: 3, arity: 2, vocab: 3, classes: 2, p: 0, scale: 3, seed: 5 }),
  ],
  ["dense S=3 m=2 L=3", randomDenseGrammar({ depth: 3, arity: 2, vocab: 3, classes: 2, seed: 6 })],
];

describe("compileBPModel: nets' U-Net / ConvNet with BP weights match runBP", () => {
  test.each(grammars)("%s", (_name, g) => {
    const d = g.arity ** g.depth;
    const S = g.vocab[g.depth];
    const rng = new Rng(7);
    const x = sample(g, 8, rng).x;
    const evs: Evidence[] = [
      exactEvidence(x, 8, d, S),
      noisyEvidence(x, 8, d, S, { kind: "gaussian", alpha: 1, sigma: 0.5 }, rng).evidence,
      noisyEvidence(x, 8, d, S, { kind: "gaussian", alpha: 1, sigma: 2 }, rng).evidence,
    ];
    const unet = compileBPModel(g, "denoiser");
    const conv = compileBPModel(g, "classifier");
    try {
      expect(unet.model.countParams()).toBe(expectedParamCount("unet", "denoiser", unet.config));
      expect(unet.config.width).toBe(compiledWidth(g, "denoiser", unet.tuples));
      for (const ev of evs) {
        const bp = runBP(g, clipped(ev));
        const input = evidenceToNetInput(ev);
        const leaf = unet.model.predict(input) as tf.Tensor;
        const root = conv.model.predict(input) as tf.Tensor;
        const leafP = softmaxRows(leaf.dataSync() as Float32Array, S);
        const rootP = softmaxRows(root.dataSync() as Float32Array, g.vocab[0]);
        tf.dispose([input, leaf, root]);
        expect(maxAbsDiff(leafP, bp.marginals![g.depth])).toBeLessThan(1e-4);
        expect(maxAbsDiff(rootP, bp.root)).toBeLessThan(1e-4);
      }
    } finally {
      unet.model.dispose();
      conv.model.dispose();
    }
  });

  test("saves and loads like a trained model (ghmLog is a registered activation)", async () => {
    const g = grammars[0][1];
    const c = compileBPModel(g, "denoiser");
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bpmodel-")), "m");
    try {
      await saveModel(c.model, dir, { arch: c.arch, task: c.task, config: c.config, extra: { compiled: true } });
      const { model, meta } = await loadModel(dir);
      expect(meta.config.activation).toBe("lse");
      const x = sample(g, 4, new Rng(1)).x;
      const input = evidenceToNetInput(exactEvidence(x, 4, 8, 8));
      const a = c.model.predict(input) as tf.Tensor;
      const b = model.predict(input) as tf.Tensor;
      expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
      tf.dispose([input, a, b]);
      model.dispose();
    } finally {
      c.model.dispose();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  test("refuses sizes that cannot fit, naming them, before allocating", () => {
    const g = randomProductGrammar({ depth: 3, arity: 2, vocab: 32, classes: 4, p: 0.3, seed: 1 });
    const before = tf.memory().numTensors;
    expect(() => compileBPModel(g, "denoiser")).toThrow(/width W = \d+ .*parameters, above the limit/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
