import { runBP } from "@ghmkit/bp";
import {
  type Evidence,
  type Grammar,
  Rng,
  exactEvidence,
  noisyEvidence,
  randomProductGrammar,
  sample,
} from "@ghmkit/ghm";
import { tf, initBackend } from "@ghmkit/tensor";
import { compileBPConvNet, compileBPUNet } from "./compile";

beforeAll(async () => {
  await initBackend("wasm");
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let mx = 0;
  for (let i = 0; i < a.length; i++) mx = Math.max(mx, Math.abs(a[i] - b[i]));
  return mx;
}

interface Case {
  name: string;
  g: Grammar;
  ev: Evidence;
}

function cases(): Case[] {
  const out: Case[] = [];
  const shapes = [
    { depth: 3, arity: 2, vocab: 4, classes: 3 },
    { depth: 2, arity: 3, vocab: [5, 3], classes: 2 }, // S differs per level
    { depth: 4, arity: 2, vocab: [3, 6, 2, 5], classes: 4 },
  ];
  shapes.forEach((shape, k) => {
    // p = 0.3 keeps every entry positive; scale 3 gives peaked rows; p = 0 gives zeros in M.
    for (const p of [0.3, 0]) {
      const g = randomProductGrammar({ ...shape, p, scale: 3, seed: 100 + k });
      const d = g.arity ** g.depth;
      const S = g.vocab[g.depth];
      const rng = new Rng(200 + k);
      const x = sample(g, 6, rng).x;
      out.push({ name: `${JSON.stringify(shape)} p=${p} exact`, g, ev: exactEvidence(x, 6, d, S) });
      for (const sigma of [0.5, 2]) {
        out.push({
          name: `${JSON.stringify(shape)} p=${p} gaussian sigma=${sigma}`,
          g,
          ev: noisyEvidence(x, 6, d, S, { kind: "gaussian", alpha: 1, sigma }, rng).evidence,
        });
      }
    }
  });
  return out;
}

describe("BP-compiled networks match @ghmkit/bp runBP", () => {
  test.each(cases().map((c) => [c.name, c] as const))("%s", (_name, { g, ev }) => {
    const bp = runBP(g, ev);
    const unet = compileBPUNet(g);
    const marg = unet.predict(ev);
    expect(maxAbsDiff(marg.dataSync(), bp.marginals![g.depth])).toBeLessThan(1e-4);
    const logUNet = compileBPUNet(g, { domain: "log" });
    const logMarg = logUNet.predict(ev);
    expect(maxAbsDiff(logMarg.dataSync(), bp.marginals![g.depth])).toBeLessThan(1e-4);
    tf.dispose(logMarg);
    logUNet.dispose();
    const conv = compileBPConvNet(g, { output: "prob" });
    const root = conv.predict(ev);
    expect(maxAbsDiff(root.dataSync(), bp.root)).toBeLessThan(1e-4);
    const convLog = compileBPConvNet(g);
    const logRoot = convLog.predict(ev).dataSync();
    const bpLog = Array.from(bp.root, Math.log);
    for (let i = 0; i < logRoot.length; i++) {
      if (bp.root[i] > 1e-6) expect(Math.abs(logRoot[i] - bpLog[i])).toBeLessThan(1e-3);
    }
    tf.dispose([marg, root]);
    unet.dispose();
    conv.dispose();
    convLog.dispose();
  });

  test("impossible evidence gives zeros (probabilities) and -Infinity (log-probabilities), never NaN", () => {
    const g = randomProductGrammar({ depth: 2, arity: 2, vocab: 3, p: 0, seed: 5 });
    const d = 4;
    // Find a sequence with p(x) = 0 under this sparse grammar, next to a possible one.
    const rng = new Rng(1);
    const good = sample(g, 1, rng).x;
    let bad: Int32Array | null = null;
    for (let t = 0; t < 81 && bad === null; t++) {
      const x = Int32Array.from([t % 3, Math.floor(t / 3) % 3, Math.floor(t / 9) % 3, Math.floor(t / 27) % 3]);
      if (runBP(g, exactEvidence(x, 1, d, 3)).impossible[0] === 1) bad = x;
    }
    expect(bad).not.toBeNull();
    const ev = exactEvidence(Int32Array.from([...good, ...bad!]), 2, d, 3);
    for (const domain of ["scaled", "log"] as const) {
      const marg = compileBPUNet(g, { domain }).predict(ev).arraySync() as number[][][];
      expect(marg[1].flat().every((v) => v === 0)).toBe(true);
      expect(marg[0].every((row) => Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5)).toBe(true);
    }
    const lp = compileBPConvNet(g).predict(ev).arraySync() as number[][];
    expect(lp[1].every((v) => v === -Infinity)).toBe(true);
    expect(lp[0].every((v) => !Number.isNaN(v))).toBe(true);
  });

  test.each(["scaled", "log"] as const)(
    "%s: tensor input equals array input, and predict leaks no tensors",
    (domain) => {
      const g = randomProductGrammar({ depth: 3, arity: 2, vocab: 4, seed: 9 });
      const rng = new Rng(3);
      const ev = noisyEvidence(sample(g, 4, rng).x, 4, 8, 4, { kind: "gaussian", alpha: 1, sigma: 1 }, rng).evidence;
      const unet = compileBPUNet(g, { domain });
      const a = unet.predict(ev);
      const e = tf.tensor3d(Float32Array.from(ev.e), [4, 8, 4]);
      const conv = compileBPConvNet(g);
      const before = tf.memory().numTensors;
      for (let k = 0; k < 3; k++) {
        const b = unet.predict(e);
        expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
        tf.dispose([b, conv.predict(e)]);
      }
      expect(tf.memory().numTensors).toBe(before);
      conv.dispose();
      tf.dispose([a, e]);
      unet.dispose();
      expect(() => unet.predict(ev)).toThrow(/disposed/);
    },
  );

  test("bad input throws naming the problem", () => {
    const g = randomProductGrammar({ depth: 2, arity: 2, vocab: 3, seed: 1 });
    const unet = compileBPUNet(g);
    expect(() => unet.predict({ batch: 1, d: 8, S: 3, e: new Float64Array(24) })).toThrow(/d = 4/);
    expect(() => unet.predict({ batch: 1, d: 4, S: 3, e: new Float64Array(12).fill(NaN) })).toThrow(/NaN/);
    const rhmLike: Grammar = { ...g, levels: [{ kind: "rules", rules: [] }, g.levels[1]] };
    expect(() => compileBPUNet(rhmLike)).toThrow(/product kernels/);
    expect(() => compileBPUNet(g, { domain: "scaled", approx: { width: 8 } })).toThrow(/domain "log"/);
    unet.dispose();
  });
});

describe("ReLU approximation of exp and log", () => {
  test("error vs exact BP shrinks as the width W grows", () => {
    const g = randomProductGrammar({ depth: 3, arity: 2, vocab: 4, scale: 2, seed: 11 });
    const rng = new Rng(12);
    const x = sample(g, 8, rng).x;
    const ev = noisyEvidence(x, 8, 8, 4, { kind: "gaussian", alpha: 1, sigma: 1 }, rng).evidence;
    const exact = runBP(g, ev).marginals![3];
    const errors = [4, 8, 64, 256].map((width) => {
      const net = compileBPUNet(g, { approx: { width } });
      const out = net.predict(ev);
      const err = maxAbsDiff(out.dataSync(), exact);
      out.dispose();
      net.dispose();
      return err;
    });
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[2]).toBeLessThan(errors[1]);
    expect(errors[3]).toBeLessThan(errors[2]);
    expect(errors[2]).toBeLessThan(0.05);
    // The seeded (jittered-knot) variant is deterministic and also close at W = 64.
    const a = compileBPConvNet(g, { output: "prob", approx: { width: 64, seed: 3 } })
      .predict(ev)
      .dataSync();
    const b = compileBPConvNet(g, { output: "prob", approx: { width: 64, seed: 3 } })
      .predict(ev)
      .dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(maxAbsDiff(a, runBP(g, ev).root)).toBeLessThan(0.05);
  });
});
