import { runBP } from "@ghmkit/bp";
import { randomRhm } from "@ghmkit/ghm";
import { bayesClassifier, bayesDenoiser } from "./bayes";
import { makeTrainConfig } from "./config";
import { makeStreams, makeTestData } from "./data";
import { classifierMetrics, denoiserMetrics, softmaxRows } from "./metrics";

const rhm = { kind: "rhm" as const, S: 6, classes: 3, k: 2, arity: 2, depth: 3, seed: 11 };
const g = randomRhm(rhm);

describe("Bayes values", () => {
  test("classifier: accuracy and cross-entropy of BP's root posterior, computed directly", () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: rhm,
      data: { trainSize: 8, testSize: 200 },
      batchSize: 4,
      noise: { kind: "gaussian", abarMin: 0.1, abarMax: 0.6 },
    });
    const set = makeTestData(g, cfg, makeStreams(cfg)).main;
    const root = runBP(g, set.evidence, { downward: false }).root;
    let hits = 0;
    let ce = 0;
    for (let r = 0; r < set.n; r++) {
      const p = Array.from(root.subarray(r * 3, r * 3 + 3));
      if (p.indexOf(Math.max(...p)) === set.y[r]) hits++;
      ce -= Math.log(p[set.y[r]]);
    }
    const b = bayesClassifier(g, set);
    expect(b.accuracy).toBeCloseTo(hits / set.n, 12);
    expect(b.crossEntropy).toBeCloseTo(ce / set.n, 10);
    expect(b.accuracy).toBeLessThan(1); // noisy leaves: the class is uncertain
    expect(b.accuracy).toBeGreaterThan(1 / 3);
  });

  test("classifier on clean RHM sequences: BP is certain (the grammar is unambiguous)", () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: rhm,
      data: { trainSize: 8, testSize: 50 },
      batchSize: 4,
    });
    const b = bayesClassifier(g, makeTestData(g, cfg, makeStreams(cfg)).main);
    expect(b.accuracy).toBe(1);
    expect(b.crossEntropy).toBeCloseTo(0, 12);
  });

  test("denoiser: MSE of BP leaf marginals, per row and on average, each row at its own noise level", () => {
    const cfg = makeTrainConfig("denoiser", "unet", {
      grammar: rhm,
      data: { trainSize: 0, testSize: 100 },
      evalAbar: [],
    });
    const set = makeTestData(g, cfg, makeStreams(cfg)).main;
    const marg = runBP(g, set.evidence).marginals![3];
    let total = 0;
    for (let r = 0; r < set.n; r++) {
      let se = 0;
      for (let i = 0; i < 8; i++) {
        for (let s = 0; s < 6; s++) se += (marg[(r * 8 + i) * 6 + s] - (set.x[r * 8 + i] === s ? 1 : 0)) ** 2;
      }
      total += se / 8;
    }
    const b = bayesDenoiser(g, set);
    expect(b.mse).toBeCloseTo(total / set.n, 12);
    expect(b.rowMse.length).toBe(100);
    // Bayes beats the prior-free per-leaf guess at every row on average.
    const uniform = denoiserMetrics(new Float64Array(100 * 8 * 6).fill(1 / 6), set.x, 100, 8, 6);
    expect(b.mse).toBeLessThan(uniform.mse);
    expect(uniform.mse).toBeCloseTo(5 / 6, 12);
  });

  test("metric helpers: softmax rows, ties resolve to the first class, floor keeps the cross-entropy finite", () => {
    const p = softmaxRows([0, 0, 1000, 0], 2, 2);
    expect(Array.from(p)).toEqual([0.5, 0.5, 1, 0]);
    const m = classifierMetrics(p, Int32Array.from([0, 1]), 2);
    expect(m.accuracy).toBe(0.5);
    expect(Number.isFinite(m.crossEntropy)).toBe(true);
    expect(() => softmaxRows([NaN, 0], 1, 2)).toThrow(/non-finite/);
  });
});
