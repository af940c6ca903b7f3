import { runBP } from "@ghmkit/bp";
import {
  type Evidence,
  type Grammar,
  Rng,
  noisyEvidence,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
  sample,
} from "@ghmkit/ghm";
import { tf, initBackend } from "@ghmkit/tensor";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateConfig } from "../config";
import { evidenceToNetInput } from "../evidence_input";
import { expectedParamCount } from "../params";
import { loadModel, saveModel } from "../save";
import { compileBPModel } from "./bp_model";

beforeAll(async () => {
  await initBackend("wasm");
});

function clipped(ev: Evidence): Evidence {
  const e = new Float64Array(ev.e.length);
  for (let r = 0; r < ev.batch * ev.d; r++) {
    let mx = -Infinity;
    for (let s = 0; s < ev.S; s++) mx = Math.max(mx, ev.e[r * ev.S + s]);
    for (let s = 0; s < ev.S; s++) e[r * ev.S + s] = Math.max(ev.e[r * ev.S + s] - mx, -20);
  }
  return { ...ev, e };
}

/** Max |softmax(leaf logits) - BP leaf marginal| of the compiled U-Net (approxWidth W, or exact). */
function leafError(g: Grammar, approxWidth: number | undefined, ev: Evidence): number {
  const c = compileBPModel(g, "denoiser", approxWidth === undefined ? {} : { approxWidth });
  try {
    expect(c.config.activation).toBe(approxWidth === undefined ? "lse" : "lse-relu");
    expect(c.model.countParams()).toBe(expectedParamCount("unet", "denoiser", c.config));
    const want = runBP(g, clipped(ev)).marginals![g.depth];
    const input = evidenceToNetInput(ev);
    const out = c.model.predict(input) as tf.Tensor;
    const v = out.dataSync();
    tf.dispose([input, out]);
    const K = g.vocab[g.depth];
    let err = 0;
    for (let r = 0; r < v.length / K; r++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, v[r * K + k]);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(v[r * K + k] - mx);
      for (let k = 0; k < K; k++) err = Math.max(err, Math.abs(Math.exp(v[r * K + k] - mx) / s - want[r * K + k]));
    }
    return err;
  } finally {
    c.model.dispose();
  }
}

function evidence(g: Grammar, seed: number): Evidence {
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  const rng = new Rng(seed);
  const x = sample(g, 8, rng).x;
  return noisyEvidence(x, 8, d, S, { kind: "gaussian", alpha: 1, sigma: 1 }, rng).evidence;
}

const grammars: [string, Grammar][] = [
  ["rhm S=8 C=8 k=2 m=2 L=3", randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 })],
  [
    "product S=4 m=2 L=3",
    randomProductGrammar({ depth: 3, arity: 2, vocab: 4, classes: 3, p: 0.3, scale: 3, seed: 4 }),
  ],
  ["dense S=3 m=2 L=3", randomDenseGrammar({ depth: 3, arity: 2, vocab: 3, classes: 2, seed: 6 })],
];

describe("compileBPModel approxWidth: the U-Net with ReLU exp/log (activation lse-relu)", () => {
  test.each(grammars)("%s: error vs BP falls with W (W = 64 at least 4x below W = 8)", (_name, g) => {
    const ev = evidence(g, 7);
    const exact = leafError(g, undefined, ev);
    const e8 = leafError(g, 8, ev);
    const e64 = leafError(g, 64, ev);
    const e512 = leafError(g, 512, ev);
    expect(exact).toBeLessThan(1e-4);
    expect(e64 * 4).toBeLessThan(e8);
    expect(e512).toBeLessThan(e64);
  });

  test("saves and loads (ghmReluSoftmax{W} / ghmReluLog{W} registered from ghm-model.json)", async () => {
    const g = grammars[0][1];
    const c = compileBPModel(g, "denoiser", { approxWidth: 16 });
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bpmodel-relu-")), "m");
    try {
      await saveModel(c.model, dir, { arch: c.arch, task: c.task, config: c.config, extra: { compiled: true } });
      const { model, meta } = await loadModel(dir);
      expect(meta.config.activation).toBe("lse-relu");
      expect(meta.config.approxWidth).toBe(16);
      const input = evidenceToNetInput(evidence(g, 3));
      const a = c.model.predict(input) as tf.Tensor;
      const b = model.predict(input) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([input, a, b]);
      model.dispose();
    } finally {
      c.model.dispose();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  test("config: lse-relu needs approxWidth, other activations refuse it", () => {
    const base = { depth: 2, arity: 2, channels: 3, classes: 2, width: 8, extraConvs: 1, seed: 0 };
    expect(() => validateConfig({ ...base, activation: "lse-relu" })).toThrow(/needs approxWidth/);
    expect(() => validateConfig({ ...base, activation: "relu", approxWidth: 8 })).toThrow(
      /approxWidth: applies to activation "lse-relu" only/,
    );
    expect(() => validateConfig({ ...base, activation: "lse-relu", approxWidth: 8 })).not.toThrow();
  });
});
