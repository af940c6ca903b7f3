import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import {
  aggregateSampleComplexity,
  collapseVerdict,
  crossings,
  exponentVerdict,
  halfChance,
  sampleComplexity,
} from "./sampleComplexity";
import { thresholdBounds } from "./sampleComplexityStats";

test("sample-complexity (tiny): P = ratio C k^L, two seeds per point, Bayes error 0, seed means aggregated", async () => {
  const c = sampleComplexity.defaults("tiny");
  // C k^L = 4 * 2^2 = 16
  expect(sampleComplexity.jobs(c).map((j) => j.id)).toEqual([
    "convnet-L2-k2-P8-s0",
    "convnet-L2-k2-P8-s1",
    "convnet-L2-k2-P32-s0",
    "convnet-L2-k2-P32-s1",
  ]);
  const dir = path.join(tempDir(), "sc");
  const { rows, summary } = await runTiny("sample-complexity", dir);
  expect(rows).toHaveLength(4);
  for (const r of rows) {
    expect(r.Pstar).toBe(16);
    expect(r.ratio).toBeCloseTo((r.P as number) / 16, 12);
    expect(r.bayesError).toBe(0);
    if ((r.unseenCount as number) > 0) expect(r.unseenBayesError).toBe(0);
    // L = 2, k = 2, C = 4: 4 * 2^3 = 32 sequences. P = 8 draws cover at most 8 of them, so at least 3/4 of the support is unseen.
    if (r.P === 8) expect(r.unseenCount).toBe(32);
    expect(r.unseenCount as number).toBeLessThanOrEqual(32);
    if ((r.unseenCount as number) < 32) expect(r.unseenNote).toMatch(/requested unseen test sequences/);
  }
  const agg = aggregateSampleComplexity(rows);
  expect(agg.map((a) => a.P)).toEqual([8, 32]);
  for (const a of agg) {
    const seeds = rows.filter((r) => r.P === a.P);
    expect(a.testError).toBeCloseTo(((seeds[0].testError as number) + (seeds[1].testError as number)) / 2, 12);
    expect(a.overlap).toBeCloseTo(((seeds[0].overlap as number) + (seeds[1].overlap as number)) / 2, 12);
  }
  // One grammar: the collapse cannot be tested.
  expect((summary.verdicts as { verdict: string }[]).map((v) => v.verdict)).toEqual(["inconclusive", "inconclusive"]);
});

describe("sample-complexity verdicts on hand-made seed rows", () => {
  const c = {
    ...sampleComplexity.defaults("quick"),
    grammar: { S: 8, classes: 4, arity: 2 },
    grammars: [
      { L: 3, k: 2 },
      { L: 4, k: 2 },
      { L: 3, k: 3 },
    ],
  };
  const level = halfChance(4); // 0.375
  const ratios = [0.125, 0.25, 0.5, 1, 2, 4, 8];
  // Unseen error as a function of x, equal to 0.375 at x = 1; three seeds at +-0.01.
  const curve = (x: number): number => 0.75 / (1 + x * x);
  const rowsFor = (err: (P: number, Pstar: number) => number): Row[] =>
    c.grammars.flatMap(({ L, k }) => {
      const Pstar = 4 * k ** L;
      return ratios.flatMap((ratio) =>
        [-0.01, 0, 0.01].map((j, rep) => ({
          L,
          k,
          grammar: `L=${L}, k=${k}`,
          arch: "convnet",
          P: ratio * Pstar,
          Pstar,
          ratio,
          rep,
          unseenError: err(ratio * Pstar, Pstar) + j,
        })),
      );
    });
  it("curves that are one function of P / (C k^L): collapse supported, exponent 1 supported", () => {
    const rows = rowsFor((P, Pstar) => curve(P / Pstar));
    const cr = crossings(c, rows);
    expect(cr.map((x) => (x.ratio.mean.status === "crossed" ? x.ratio.mean.x : null))).toEqual([1, 1, 1]);
    expect(collapseVerdict(c, cr).verdict).toBe("supported");
    const e = exponentVerdict(c, cr);
    expect(e.fit!.slope).toBeCloseTo(1, 9);
    expect(e.verdict.verdict).toBe("supported");
  });
  it("curves that are one function of raw P: collapse and exponent not supported", () => {
    const rows = rowsFor((P) => curve(P / 32));
    const cr = crossings(c, rows);
    // Every grammar crosses at P = 32, i.e. at P / (C k^L) = 1, 0.5, 32/108.
    expect(cr.map((x) => (x.P.mean.status === "crossed" ? x.P.mean.x : null)).map((x) => Math.round(x!))).toEqual([
      32, 32, 32,
    ]);
    const v = collapseVerdict(c, cr);
    expect(v.verdict).toBe("not supported");
    expect(v.measured).toMatch(/ratio 0(\.0+)?[^0-9]/); // ratio spread 0 on raw P, log10(108/32) on the ratio axis
    const e = exponentVerdict(c, cr);
    expect(Math.abs(e.fit!.slope)).toBeLessThan(0.02); // 32 is not on every grammar's P grid: interpolation leaves ~1%
    expect(e.verdict.verdict).toBe("not supported");
  });
  it("noisy curves whose bands overlap on both axes: inconclusive", () => {
    const rows = rowsFor((P, Pstar) => curve(P / Pstar)).map((r) => ({
      ...r,
      unseenError: (r.unseenError as number) + 20 * ((r.rep as number) - 1) * 0.01,
    }));
    expect(collapseVerdict(c, crossings(c, rows)).verdict).toBe("inconclusive");
  });
  it("threshold bounds: the band's edges cross on either side of the mean's crossing", () => {
    const iv = (m: number, h: number) => ({ mean: m, lo: m - h, hi: m + h, sd: 0, n: 3 });
    const b = thresholdBounds(
      [
        { x: 1, y: iv(0.8, 0.1) },
        { x: 2, y: iv(0.4, 0.1) },
        { x: 4, y: iv(0.1, 0.1) },
      ],
      level,
      false,
    );
    expect(b.mean).toEqual({
      status: "crossed",
      x: 2 + ((0.4 - 0.375) / 0.3) * 2,
      lo: expect.any(Number),
      hi: expect.any(Number),
    });
    expect(b.lo).toBeCloseTo(1 + (0.7 - 0.375) / 0.4, 12); // optimistic edge 0.7, 0.3
    expect(b.hi).toBeCloseTo(2 + ((0.5 - 0.375) / 0.3) * 2, 12); // pessimistic edge 0.5 at 2, 0.2 at 4
    const never = thresholdBounds(
      [
        { x: 1, y: iv(0.9, 0.01) },
        { x: 2, y: iv(0.8, 0.01) },
      ],
      level,
      false,
    );
    expect([never.mean.status, never.lo, never.hi]).toEqual(["not-reached", 2, Infinity]);
  });
});
