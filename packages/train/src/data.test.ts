import { exactEvidence, randomRhm } from "@ghmkit/ghm";
import { makeTrainConfig } from "./config";
import { BatchStream, makeStreams, makeTestData } from "./data";

const rhm = { kind: "rhm" as const, S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 };
const g = randomRhm(rhm);

function cfgWith(over: Parameters<typeof makeTrainConfig>[2] = {}) {
  return makeTrainConfig("denoiser", "unet", {
    grammar: rhm,
    data: { trainSize: 40, testSize: 30 },
    evalAbar: [0.3, 0.7],
    batchSize: 8,
    ...over,
  });
}

describe("data", () => {
  test("test set shapes, per-row noise levels in range, fixed levels on the same sequences", () => {
    const cfg = cfgWith();
    const t = makeTestData(g, cfg, makeStreams(cfg));
    expect(t.main.n).toBe(30);
    expect(t.main.x.length).toBe(30 * 4);
    expect(t.main.y.length).toBe(30);
    expect(t.main.evidence.e.length).toBe(30 * 4 * 4);
    expect([...t.main.abar!].every((a) => a >= 0.05 && a <= 0.95)).toBe(true);
    expect(new Set(t.main.abar).size).toBe(30);
    expect(t.levels.map((l) => l.abar)).toEqual([0.3, 0.7]);
    for (const l of t.levels) {
      expect(l.set.x).toEqual(t.main.x);
      expect([...l.set.abar!].every((a) => a === l.abar)).toBe(true);
    }
    // e = (alpha / sigma^2) z: the true symbol's evidence is alpha^2/sigma^2 above the others on average.
    const a = 0.7;
    const set = t.levels[1].set;
    let diff = 0;
    for (let r = 0; r < set.n * set.d; r++) {
      const row = set.evidence.e.subarray(r * 4, r * 4 + 4);
      const tr = set.x[r];
      diff += row[tr] - (row.reduce((s, v) => s + v, 0) - row[tr]) / 3;
    }
    expect(diff / (set.n * set.d)).toBeGreaterThan(0.5 * (a / (1 - a)));
  });

  test("seeds: the data seed fixes the sequences, the noise seed only the noise, P does not move the test set", () => {
    const base = cfgWith();
    const t0 = makeTestData(g, base, makeStreams(base));
    const again = makeTestData(g, base, makeStreams(base));
    expect(again.main.evidence.e).toEqual(t0.main.evidence.e);
    const noise = cfgWith({ seeds: { data: base.seeds.data, init: base.seeds.init, noise: 123 } });
    const tn = makeTestData(g, noise, makeStreams(noise));
    expect(tn.main.x).toEqual(t0.main.x);
    expect(tn.main.evidence.e).not.toEqual(t0.main.evidence.e);
    const data = cfgWith({ seeds: { data: 77, init: base.seeds.init, noise: base.seeds.noise } });
    expect(makeTestData(g, data, makeStreams(data)).main.x).not.toEqual(t0.main.x);
    const bigP = cfgWith({ data: { trainSize: 400, testSize: 30 } });
    const streams = makeStreams(bigP);
    const tp = makeTestData(g, bigP, streams);
    new BatchStream(g, bigP, streams);
    expect(tp.main.x).toEqual(t0.main.x);
  });

  test("classifier data is exact evidence of the sampled leaves", () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: rhm,
      data: { trainSize: 16, testSize: 10 },
      batchSize: 4,
    });
    const t = makeTestData(g, cfg, makeStreams(cfg));
    expect(t.main.abar).toBeNull();
    expect(t.main.evidence.e).toEqual(exactEvidence(t.main.x, 10, 4, 4).e);
  });

  test("fixed training set: each epoch visits every sample once in a new order; state round-trips", () => {
    const cfg = makeTrainConfig("classifier", "convnet", {
      grammar: rhm,
      data: { trainSize: 16, testSize: 10 },
      batchSize: 4,
    });
    const s = new BatchStream(g, cfg, makeStreams(cfg));
    expect(s.stepsPerEpoch()).toBe(4);
    const rows = (xs: Int32Array[]) =>
      xs.flatMap((x) => Array.from({ length: x.length / 4 }, (_, r) => x.slice(r * 4, r * 4 + 4).join(""))).sort();
    const fixedRows = rows([s.fixed!.x]);
    const epoch1 = [0, 1, 2, 3].map(() => s.next().x);
    expect(rows(epoch1)).toEqual(fixedRows);
    expect(s.epoch).toBe(1);
    s.next();
    const saved = s.getState();
    const ahead = [0, 1, 2, 3, 4].map(() => s.next());
    const t = new BatchStream(g, cfg, makeStreams(cfg));
    t.setState(JSON.parse(JSON.stringify(saved)));
    const replay = [0, 1, 2, 3, 4].map(() => t.next());
    expect(replay.map((b) => [...b.x])).toEqual(ahead.map((b) => [...b.x]));
    expect(replay.map((b) => [...b.y])).toEqual(ahead.map((b) => [...b.y]));
  });

  test("online stream: fresh samples and fresh noise every batch, resumable", () => {
    const cfg = cfgWith({ data: { trainSize: 0, testSize: 10 } });
    const s = new BatchStream(g, cfg, makeStreams(cfg));
    expect(s.fixed).toBeNull();
    const b1 = s.next();
    expect(b1.n).toBe(8);
    expect(b1.input.length).toBe(8 * 4 * 4);
    const saved = JSON.parse(JSON.stringify(s.getState()));
    const b2 = s.next();
    expect(b2.input).not.toEqual(b1.input);
    const t = new BatchStream(g, cfg, makeStreams(cfg));
    t.setState(saved);
    expect(t.next().input).toEqual(b2.input);
  });
});
