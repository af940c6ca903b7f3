import * as fs from "node:fs";
import * as path from "node:path";
import { bayesDenoiser, fixedHeldOut, loadGrammar, makeStreams, makeTestData, runPaths } from "@ghmkit/train";
import type { TrainConfig } from "@ghmkit/train";
import { resolveConfig } from "../config";
import { getExperiment } from "../registry";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import {
  type DenoisingSampleComplexityConfig,
  denoisingSampleComplexity,
  growth,
  pStars,
} from "./denoisingSampleComplexity";

const rowKey = (x: Int32Array | number[], r: number, d: number): string =>
  Array.from(x.slice(r * d, (r + 1) * d)).join(",");

test("tiny run: Bayes MSE is exact BP on the same test rows, unseen rows are not training rows, overlap counted", async () => {
  const dir = path.join(tempDir(), "dsc");
  const { rows, summary, report } = await runTiny("denoising-sample-complexity", dir);
  // 1 setting x 2 depths x 2 archs x 1 P x 2 seeds, each a mixed row and one fixed level.
  expect(rows).toHaveLength(16);
  expect(new Set(rows.map((r) => `${r.L}/${r.arch}/${r.rep}`)).size).toBe(8);
  for (const r of rows) {
    expect(r.excessPop).toBeCloseTo((r.mse as number) / (r.bayesMse as number) - 1, 10);
    if (r.excess !== null) expect(r.excess).toBeCloseTo((r.unseenMse as number) / (r.unseenBayesMse as number) - 1, 10);
  }
  // L = 2, S = 4, C = 2, k = 2 has 2 * 2^3 = 16 sequences: P = 16 draws leave few or none unseen.
  // Check one job of each depth against BP recomputed from the run's own config and training set.
  for (const L of [2, 3]) {
    const row = rows.find((r) => r.L === L && r.arch === "unet" && r.rep === 1 && r.noise === "mixed")!;
    const runDir = path.join(dir, "runs", `S4-C2-k2-L${L}-unet-P16-s1`);
    const cfg = JSON.parse(fs.readFileSync(runPaths(runDir).config, "utf8")) as TrainConfig;
    expect(cfg.grammar).toMatchObject({ S: 4, classes: 2, k: 2, depth: L, seed: 10 + 1000 });
    const g = loadGrammar(cfg.grammar);
    const streams = makeStreams(cfg);
    const test = makeTestData(g, cfg, streams);
    const train = JSON.parse(fs.readFileSync(runPaths(runDir).train, "utf8")) as {
      n: number;
      d: number;
      x: number[][];
    };
    const trainX = Int32Array.from(train.x.flat());
    const held = fixedHeldOut(g, cfg, streams, test, { x: trainX, n: train.n });
    expect(row.bayesMse).toBeCloseTo(bayesDenoiser(g, test.main).mse, 12);
    // Overlap, counted independently of the library's sequence set.
    const seen = new Set(train.x.map((r) => r.join(",")));
    let inTrain = 0;
    for (let i = 0; i < test.main.n; i++) if (seen.has(rowKey(test.main.x, i, train.d))) inTrain++;
    expect(row.overlap).toBeCloseTo(inTrain / test.main.n, 12);
    if (held.kind !== "fixed") throw new Error("fixed training set expected");
    if (held.unseen === null) {
      expect(row.unseenCount).toBe(0);
      expect(row.excess).toBeNull();
    } else {
      expect(row.unseenCount).toBe(held.unseen.main.n);
      for (let i = 0; i < held.unseen.main.n; i++) expect(seen.has(rowKey(held.unseen.main.x, i, train.d))).toBe(false);
      expect(row.unseenBayesMse).toBeCloseTo(bayesDenoiser(g, held.unseen.main).mse, 12);
    }
  }
  // The L = 3 grammar has 256 sequences: 16 training draws leave an unseen set of the full size.
  expect(rows.filter((r) => r.L === 3).every((r) => r.unseenCount === 32)).toBe(true);
  // The table's seed mean is the mean of the seed rows.
  const seedRows = rows.filter((r) => r.L === 3 && r.arch === "mlp" && r.noise === "mixed");
  const mean = (seedRows[0].excessPop as number) / 2 + (seedRows[1].excessPop as number) / 2;
  const exp = getExperiment("denoising-sample-complexity");
  const c = resolveConfig(exp, { preset: "tiny", sets: [] }) as DenoisingSampleComplexityConfig;
  const table = denoisingSampleComplexity.summarize(c, rows).rows.find((r) => r[1] === 3 && r[3] === "MLP")!;
  expect(parseFloat(String(table[7]))).toBeCloseTo(mean, 2);
  expect(table[5]).toBe(2);
  expect(summary.verdicts!.length).toBe(2);
  expect(report).toContain("Claims and verdicts");
}, 120000);

// Synthetic seed rows: at each P of the grid, three seeds m - 0.02, m, m + 0.02 with
// m = 0.5 + 0.2 (tau - log10 P), a line in log P that crosses eps = 0.5 at P = 10^tau exactly.
const config = (): DenoisingSampleComplexityConfig => ({
  ...denoisingSampleComplexity.defaults("quick"),
  settings: [{ S: 8, classes: 8, k: 2 }],
  arity: 2,
  depths: [2, 3, 4],
  archs: ["unet", "mlp"],
  P: [10, 100, 1000],
  repeats: 3,
  epsilon: 0.5,
});

function synth(taus: Record<string, number[]>, unseen = true): Row[] {
  const rows: Row[] = [];
  for (const [arch, ts] of Object.entries(taus)) {
    [2, 3, 4].forEach((L, i) => {
      for (const P of [10, 100, 1000]) {
        const m = 0.5 + 0.2 * (ts[i] - Math.log10(P));
        [-0.02, 0, 0.02].forEach((dv, rep) => {
          const v = m + dv;
          rows.push({
            setting: "S8-C8-k2",
            S: 8,
            k: 2,
            L,
            d: 2 ** L,
            arch,
            P,
            rep,
            noise: "mixed",
            abar: null,
            mse: 1 + v,
            bayesMse: 1,
            ratio: 1 + v,
            excessPop: v + 0.01,
            unseenMse: unseen ? 1 + v : null,
            unseenBayesMse: unseen ? 1 : null,
            unseenRatio: unseen ? 1 + v : null,
            excess: unseen ? v : null,
            overlap: 0.25,
            unseenCount: unseen ? 100 : 0,
            unseenRequested: 100,
            trainS: 1,
          });
        });
      }
    });
  }
  return rows;
}

const a = 0.5;
const unetTaus = [2, 3, 4].map((L) => 1.4 + a * Math.log10(2 ** L / 4));

describe("P*, growth exponents and verdicts on hand-made rows", () => {
  it("finds P* = 10^tau, fits the exponent of d exactly, and reads 'not reached' as a lower bound", () => {
    const c = config();
    const rows = synth({ unet: unetTaus, mlp: [1.5, 2.6, 3.5] });
    const stars = pStars(c, rows);
    for (const [i, L] of [2, 3, 4].entries()) {
      const s = stars.find((x) => x.arch === "unet" && x.L === L)!;
      expect(s.unseen!.status).toBe("crossed");
      if (s.unseen!.status === "crossed") {
        expect(s.unseen!.x).toBeCloseTo(10 ** unetTaus[i], 6);
        // band half-width 4.303 * 0.02 / sqrt(3) crossed at slope 0.2 per decade
        const h = (4.303 * 0.02) / Math.sqrt(3) / 0.2;
        expect(Math.log10(s.unseen!.lo!)).toBeCloseTo(unetTaus[i] - h, 6);
        expect(Math.log10(s.unseen!.hi!)).toBeCloseTo(unetTaus[i] + h, 6);
      }
      // excessPop is the unseen value + 0.01: it crosses 0.05 decades later.
      const pop = s.population;
      if (pop.status !== "crossed") throw new Error("population should cross");
      expect(Math.log10(pop.x)).toBeCloseTo(unetTaus[i] + 0.05, 6);
    }
    expect(stars.find((x) => x.arch === "mlp" && x.L === 4)!.unseen).toEqual({ status: "not-reached", last: 1000 });
    const g = growth(c, stars);
    const u = g.find((x) => x.arch === "unet")!;
    expect(u.method).toBe("fit");
    expect(u.a).toBeCloseTo(a, 8);
    expect(u.aHi - u.aLo).toBeLessThan(1e-6);
    const m = g.find((x) => x.arch === "mlp")!;
    expect(m.method).toBe("bounds");
    expect(m.crossed).toBe(2);
    expect(m.aHi).toBe(Infinity);
    // lower bound: P*(L=4) >= 1000 against the upper end of P*(L=2)'s interval
    const h = (4.303 * 0.02) / Math.sqrt(3) / 0.2;
    expect(m.aLo).toBeCloseTo(Math.log(1000 / 10 ** (1.5 + h)) / Math.log(4), 6);
    const v = denoisingSampleComplexity.summarize(c, rows).verdicts;
    expect(v.map((x) => x.verdict)).toEqual(["supported", "supported"]);
    const f = denoisingSampleComplexity.summarize(c, rows).findings.join("\n");
    expect(f).toContain("> 1000 (not reached in the grid)");
    expect(f).toContain("6 of 6 unseen excess-risk curves fall significantly");
  });

  it("says when the curves are flat in P (the step budget, not the data, limits them)", () => {
    const c = config();
    // y = 0.5 + 0.2 (tau - log10 P) with tau = log10 P at every P: a constant 0.5 +- 0.02.
    const rows = synth({ unet: [2, 2, 2], mlp: [2, 2, 2] }).map((r) => ({
      ...r,
      excess: 0.5 + ((r.rep as number) - 1) * 0.02,
    }));
    const f = denoisingSampleComplexity.summarize(c, rows).findings.join("\n");
    expect(f).toContain("0 of 6 unseen excess-risk curves fall significantly");
    expect(f).toContain("the other 6 are flat in P");
  });

  it("flips: a steep U-Net is not supported; equal growth is inconclusive; a U-Net that never crosses is inconclusive", () => {
    const c = config();
    const steep = [2, 3, 4].map((L) => 1.2 + 1.5 * Math.log10(2 ** L / 4));
    let v = denoisingSampleComplexity.summarize(c, synth({ unet: steep, mlp: steep })).verdicts;
    expect(v[0].verdict).toBe("not supported");
    expect(v[0].measured).toMatch(/^1\.50 /);
    expect(v[1].verdict).toBe("inconclusive");
    v = denoisingSampleComplexity.summarize(c, synth({ unet: [3.5, 3.5, 3.5], mlp: [3.5, 3.5, 3.5] })).verdicts;
    expect(v.map((x) => x.verdict)).toEqual(["inconclusive", "inconclusive"]);
    // The ablation growing slower than the U-Net: not supported.
    v = denoisingSampleComplexity.summarize(c, synth({ unet: steep, mlp: unetTaus })).verdicts;
    expect(v[1].verdict).toBe("not supported");
  });

  it("without unseen test data there is no unseen P*, and the findings say so", () => {
    const c = config();
    const rows = synth({ unet: unetTaus, mlp: unetTaus }, false);
    const stars = pStars(c, rows);
    expect(stars.every((s) => s.unseen === null && s.noUnseenAt.length === 3)).toBe(true);
    const s = denoisingSampleComplexity.summarize(c, rows);
    expect(s.findings.join("\n")).toContain("no unseen test data");
    expect(s.verdicts.map((x) => x.verdict)).toEqual(["inconclusive", "inconclusive"]);
  });
});
