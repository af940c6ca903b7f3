import { runBP } from "@ghmkit/bp";
import { type Grammar, Rng, parseGrammar, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { buildModel, configFromGrammar } from "@ghmkit/nets";
import { initBackend } from "@ghmkit/tensor";
import { makeTrainConfig } from "./config";
import { BatchStream, labeledSet, makeStreams, makeTestData } from "./data";
import { disposeTest, evaluate, evaluatePopulation, prepareTest } from "./evaluate";
import {
  SequenceSet,
  type TestRowWatcher,
  UNSEEN_DRAW_FACTOR,
  drawUnseen,
  fixedHeldOut,
  onlineHeldOut,
  supportSize,
} from "./heldOut";

const tinyRhm = { kind: "rhm" as const, S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 };
const g = randomRhm(tinyRhm);
const D = 4;

const row = (x: Int32Array, r: number, d = D): string => Array.from(x.subarray(r * d, (r + 1) * d)).join(",");
const rows = (x: Int32Array, n: number, d = D): string[] => Array.from({ length: n }, (_, r) => row(x, r, d));

/** Every distinct sequence of a small grammar, found by brute force over all S^d leaf strings with BP's p(x) > 0. */
function bruteSupport(gr: Grammar): number {
  const d = gr.arity ** gr.depth;
  const S = gr.vocab[gr.depth];
  const n = S ** d;
  const x = new Int32Array(n * d);
  for (let t = 0; t < n; t++) for (let i = 0, v = t; i < d; i++, v = Math.floor(v / S)) x[t * d + (d - 1 - i)] = v % S;
  const r = runBP(gr, { batch: n, d, S, e: exactEvidenceOf(x, n, d, S) }, { downward: false });
  let count = 0;
  for (let t = 0; t < n; t++) if (!r.impossible[t]) count++;
  return count;
}

function exactEvidenceOf(x: Int32Array, n: number, d: number, S: number): Float64Array {
  const e = new Float64Array(n * d * S).fill(-Infinity);
  for (let i = 0; i < n * d; i++) e[i * S + x[i]] = 0;
  return e;
}

describe("supportSize", () => {
  test("equals a brute-force count over all leaf strings (rules, product) and C k^(1 + m + ... + m^(L-1)) for an RHM", () => {
    expect(supportSize(g)).toBe(16); // C k^(1 + m) = 2 * 2^3
    expect(bruteSupport(g)).toBe(16);
    const def = randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 });
    expect(supportSize(def)).toBe(1024); // 8 * 2^7
    const prod = randomProductGrammar({ depth: 2, arity: 2, vocab: 3, seed: 4 });
    expect(supportSize(prod)).toBe(81);
    expect(bruteSupport(prod)).toBe(81);
    expect(supportSize(prod, 80)).toBeNull();
    expect(supportSize(randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 }), 1000)).toBeNull();
  });

  test("an ambiguous grammar's sequences are counted once", () => {
    const amb = parseGrammar({
      format: "ghm/v1",
      depth: 1,
      arity: 2,
      vocab: [2, 2],
      root: [0.5, 0.5],
      levels: [
        {
          kind: "rules",
          rules: [
            [{ children: [0, 1], p: 1 }],
            [
              { children: [0, 1], p: 0.5 },
              { children: [1, 1], p: 0.5 },
            ],
          ],
        },
      ],
    });
    expect(supportSize(amb)).toBe(2);
  });
});

describe("streams", () => {
  test("the unseen streams are forked after the older ones, which are unchanged", () => {
    const cfg = makeTrainConfig("denoiser", "unet", { grammar: tinyRhm, evalAbar: [0.3, 0.7] });
    const s = makeStreams(cfg);
    // The order of forks before the unseen streams existed.
    const data = new Rng(cfg.seeds.data);
    const noise = new Rng(cfg.seeds.noise);
    const old = {
      test: data.fork(),
      train: data.fork(),
      order: data.fork(),
      testNoise: noise.fork(),
      levelNoise: [noise.fork(), noise.fork()],
      trainNoise: noise.fork(),
    };
    expect(s.test.getState()).toEqual(old.test.getState());
    expect(s.train.getState()).toEqual(old.train.getState());
    expect(s.order.getState()).toEqual(old.order.getState());
    expect(s.testNoise.getState()).toEqual(old.testNoise.getState());
    expect(s.levelNoise.map((r) => r.getState())).toEqual(old.levelNoise.map((r) => r.getState()));
    expect(s.trainNoise.getState()).toEqual(old.trainNoise.getState());
    expect(s.unseen.getState()).toEqual(data.fork().getState());
    expect(s.unseenNoise.getState()).toEqual(noise.fork().getState());
    expect(s.unseenLevelNoise.map((r) => r.getState())).toEqual([noise.fork().getState(), noise.fork().getState()]);
  });
});

describe("fixed training set", () => {
  const cfg = makeTrainConfig("classifier", "convnet", {
    grammar: tinyRhm,
    data: { trainSize: 6, testSize: 40 },
    batchSize: 2,
  });

  test("overlap is the hand count of test rows equal to a training row; unseen rows are all absent from the training set", () => {
    const streams = makeStreams(cfg);
    const test = makeTestData(g, cfg, streams);
    const train = new BatchStream(g, cfg, streams).fixed!;
    const h = fixedHeldOut(g, cfg, streams, test, { x: train.x, n: 6 });
    if (h.kind !== "fixed") throw new Error("expected fixed");
    const trainRows = new Set(rows(train.x, 6));
    const hand = rows(test.main.x, 40).map((r) => (trainRows.has(r) ? 1 : 0));
    expect(Array.from(h.inTrain)).toEqual(hand);
    expect(hand.reduce((a: number, b) => a + b, 0)).toBeGreaterThan(0); // 6 draws of 16 sequences: some overlap
    expect(hand.reduce((a: number, b) => a + b, 0)).toBeLessThan(40);
    const u = h.unseen!;
    expect(u.main.n).toBe(40);
    expect(h.note).toBeUndefined();
    expect(rows(u.main.x, 40).some((r) => trainRows.has(r))).toBe(false);
    // Sequences of the grammar (BP gives them positive probability), same noise model, fixed levels on the same rows.
    expect(bruteImpossible(u.main.x, 40)).toBe(0);
    expect(u.levels).toEqual([]);
    // Deterministic: the same seeds give the same unseen set.
    const again = makeStreams(cfg);
    const h2 = fixedHeldOut(g, cfg, again, makeTestData(g, cfg, again), {
      x: new BatchStream(g, cfg, again).fixed!.x,
      n: 6,
    });
    expect(h2.kind === "fixed" && h2.unseen!.main.x).toEqual(u.main.x);
  });

  test("a training set holding the whole support leaves no unseen sequence: null after the capped number of draws, with a note", () => {
    const big = makeTrainConfig("classifier", "convnet", { grammar: tinyRhm, data: { trainSize: 400, testSize: 10 } });
    const streams = makeStreams(big);
    const train = new BatchStream(g, big, streams).fixed!;
    expect(SequenceSet.of(train.x, 400, D, 4).size).toBe(supportSize(g));
    const h = fixedHeldOut(g, big, streams, makeTestData(g, big, streams), { x: train.x, n: 400 });
    if (h.kind !== "fixed") throw new Error("expected fixed");
    expect(h.unseen).toBeNull();
    expect(h.draws).toBe(UNSEEN_DRAW_FACTOR * 10);
    expect(Array.from(h.inTrain).every((v) => v === 1)).toBe(true);
    expect(h.note).toBe(
      "only 0 of 10 requested unseen test sequences were found in 640 draws: the grammar's support is nearly covered by the training set",
    );
  });

  test("a rare unseen sequence: the cap keeps what was found", () => {
    const skew = parseGrammar({
      format: "ghm/v1",
      depth: 1,
      arity: 2,
      vocab: [1, 2],
      root: [1],
      levels: [
        {
          kind: "rules",
          rules: [
            [
              { children: [0, 0], p: 0.999 },
              { children: [1, 1], p: 0.001 },
            ],
          ],
        },
      ],
    });
    const train = SequenceSet.of(Int32Array.from([0, 0]), 1, 2, 2);
    const u = drawUnseen(skew, 100, new Rng(5), train);
    expect(u.draws).toBe(6400);
    expect(u.found).toBeGreaterThan(0);
    expect(u.found).toBeLessThan(100);
    expect(rows(u.x, u.found, 2).every((r) => r === "1,1")).toBe(true);
  });

  test("Bayes values of the unseen set equal BP computed directly, overall and at each fixed level", () => {
    const den = makeTrainConfig("denoiser", "unet", {
      grammar: tinyRhm,
      data: { trainSize: 6, testSize: 24 },
      evalAbar: [0.5],
      batchSize: 2,
    });
    const streams = makeStreams(den);
    const testData = makeTestData(g, den, streams);
    const h = fixedHeldOut(g, den, streams, testData, { x: new BatchStream(g, den, streams).fixed!.x, n: 6 });
    const p = prepareTest(g, "denoiser", testData, h);
    try {
      const u = p.heldOut!.kind === "fixed" ? p.heldOut!.unseen! : null;
      for (const s of [u!.main, u!.levels[0].prepared]) {
        const r = runBP(g, s.set.evidence);
        const marg = r.marginals![2];
        let se = 0;
        for (let i = 0; i < s.set.n * D; i++)
          for (let a = 0; a < 4; a++) se += (marg[i * 4 + a] - (s.set.x[i] === a ? 1 : 0)) ** 2;
        expect(s.bayes.mse).toBeCloseTo(se / (s.set.n * D), 12);
      }
      expect(u!.levels[0].prepared.set.abar!.every((a) => a === 0.5)).toBe(true);
      expect(u!.levels[0].prepared.set.x).toEqual(u!.main.set.x);
      // Own noise stream: not the population set's noise.
      expect(u!.main.set.abar).not.toEqual(testData.main.abar!.subarray(0, u!.main.set.n));
    } finally {
      disposeTest(p);
    }
  });
});

function bruteImpossible(x: Int32Array, n: number): number {
  const r = runBP(g, { batch: n, d: D, S: 4, e: exactEvidenceOf(x, n, D, 4) }, { downward: false });
  return r.impossible.reduce((a, b) => a + b, 0);
}

describe("evaluate", () => {
  beforeAll(() => initBackend());

  test("fixed: unseen metrics are the network's and BP's on the unseen set; online: on the population rows not drawn yet", async () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: tinyRhm,
      data: { trainSize: 6, testSize: 40 },
      batchSize: 2,
    });
    const model = buildModel("convnet", "classifier", configFromGrammar(g, { width: 8, seed: 1 }));
    const streams = makeStreams(cfg);
    const testData = makeTestData(g, cfg, streams);
    const h = fixedHeldOut(g, cfg, streams, testData, { x: new BatchStream(g, cfg, streams).fixed!.x, n: 6 });
    const p = prepareTest(g, "classifier", testData, h);
    try {
      const m = await evaluate(model, g, "classifier", p, 16);
      const inTrain = h.kind === "fixed" ? h.inTrain : new Uint8Array();
      expect(m.overlap).toBe(inTrain.reduce((a, b) => a + b, 0) / 40);
      expect(m.unseenCount).toBe(40);
      expect(m.unseenRequested).toBe(40);
      expect(m.unseenNote).toBeUndefined();
      // The unseen set scored on its own equals the unseen block.
      const u = p.heldOut!.kind === "fixed" ? p.heldOut!.unseen! : null;
      const alone = await evaluatePopulation(model, g, "classifier", u!, 16);
      expect(m.unseen).toEqual({
        n: 40,
        gap: alone.gap,
        accuracy: alone.accuracy,
        bayesAccuracy: alone.bayesAccuracy,
        crossEntropy: alone.crossEntropy,
        bayesCrossEntropy: alone.bayesCrossEntropy,
      });
      const post = runBP(g, u!.main.set.evidence, { downward: false }).root;
      let ce = 0;
      for (let r = 0; r < 40; r++) ce -= Math.log(post[r * 2 + u!.main.set.y[r]]);
      expect(m.unseen!.bayesCrossEntropy).toBeCloseTo(ce / 40, 12);
      expect(m.unseen!.bayesAccuracy).toBe(1);
    } finally {
      disposeTest(p);
    }

    // Online: mark two training draws; unseen = the other population rows.
    const online = onlineHeldOut(testData);
    const po = prepareTest(g, "classifier", testData, online);
    try {
      const w = online.kind === "online" ? online.watcher : (null as unknown as TestRowWatcher);
      const drawn = sample(g, 2, new Rng(11));
      w.see(drawn.x, 2);
      const seen = new Set(rows(drawn.x, 2));
      const keep = rows(testData.main.x, 40)
        .map((r, i) => (seen.has(r) ? -1 : i))
        .filter((i) => i >= 0);
      const m = await evaluate(model, g, "classifier", po, 16);
      expect(m.overlap).toBe((40 - keep.length) / 40);
      expect(m.unseenCount).toBe(keep.length);
      expect(m.unseenNote).toContain(`the ${keep.length} of 40 population test rows`);
      const sub = (a: Int32Array, k: number) =>
        Int32Array.from(keep.flatMap((r) => Array.from(a.subarray(r * k, (r + 1) * k))));
      const e = testData.main.evidence;
      const subEv = {
        batch: keep.length,
        d: D,
        S: 4,
        e: Float64Array.from(keep.flatMap((r) => Array.from(e.e.subarray(r * D * 4, (r + 1) * D * 4)))),
      };
      const subSet = labeledSet(g, sub(testData.main.x, D), sub(testData.main.y, 1), { evidence: subEv, abar: null });
      const ps = prepareTest(g, "classifier", { main: subSet, levels: [] });
      try {
        const alone = await evaluatePopulation(model, g, "classifier", ps, 16);
        expect(m.unseen!.n).toBe(keep.length);
        expect(m.unseen!.accuracy).toBe(alone.accuracy);
        expect(m.unseen!.bayesCrossEntropy).toBe(alone.bayesCrossEntropy);
        expect(m.unseen!.crossEntropy).toBeCloseTo(alone.crossEntropy, 6);
      } finally {
        disposeTest(ps);
      }
    } finally {
      disposeTest(po);
      model.dispose();
    }
  });

  test("evaluate refuses test data without a training set", async () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: tinyRhm,
      data: { trainSize: 6, testSize: 4 },
      batchSize: 2,
    });
    const p = prepareTest(g, "classifier", makeTestData(g, cfg, makeStreams(cfg)));
    const model = buildModel("convnet", "classifier", configFromGrammar(g, { width: 4, seed: 1 }));
    try {
      await expect(evaluate(model, g, "classifier", p, 16)).rejects.toThrow(/evaluatePopulation/);
    } finally {
      disposeTest(p);
      model.dispose();
    }
  });
});
