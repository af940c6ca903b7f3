import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import { aggregateClassification, classification, classificationVerdicts } from "./classification";

test("classification (tiny): seeds per point, Bayes error 0 on population and unseen sets, unseen sets full, seed means aggregated", async () => {
  const c = classification.defaults("tiny");
  expect(classification.jobs(c).map((j) => j.id)).toEqual([
    "convnet-P16-s0",
    "convnet-P16-s1",
    "convnet-P64-s0",
    "convnet-P64-s1",
    "mlp-P16-s0",
    "mlp-P16-s1",
    "mlp-P64-s0",
    "mlp-P64-s1",
  ]);
  const dir = path.join(tempDir(), "cl");
  const { rows, summary, report } = await runTiny("classification", dir);
  expect(rows).toHaveLength(8);
  for (const r of rows) {
    // The RHM is unambiguous: clean leaves fix the class, so exact BP makes no error.
    expect(r.bayesError).toBe(0);
    expect(r.unseenBayesError).toBe(0);
    expect(r.unseenGap).toBeCloseTo(r.unseenError as number, 12);
    // The default RHM has 1024 sequences; P <= 64 leaves nearly all of them unseen, so the unseen set is full.
    expect(r.unseenCount).toBe(32);
    expect(r.unseenNote).toBeNull();
    // overlap is a count of the 32 population rows, and few of them can be among <= 64 training sequences.
    expect(Number.isInteger((r.overlap as number) * 32)).toBe(true);
    expect(r.overlap as number).toBeLessThanOrEqual(0.25);
    expect(r.steps).toBe(4);
  }
  // The two seeds are different grammars/data: their population test sets differ, so their errors are not all equal.
  const s0 = rows.filter((r) => r.rep === 0).map((r) => r.testError);
  const s1 = rows.filter((r) => r.rep === 1).map((r) => r.testError);
  expect(s0).not.toEqual(s1);
  const agg = aggregateClassification(rows);
  expect(agg).toHaveLength(4);
  for (const a of agg) {
    const seeds = rows.filter((r) => r.arch === a.arch && r.P === a.P);
    expect(a.n).toBe(2);
    expect(a.unseenError).toBeCloseTo(((seeds[0].unseenError as number) + (seeds[1].unseenError as number)) / 2, 12);
    const d = Math.abs((seeds[0].unseenError as number) - (seeds[1].unseenError as number));
    // t interval with one degree of freedom: mean +- 12.706 sd / sqrt 2, sd = |a - b| / sqrt 2.
    expect((a.unseenErrorHi as number) - (a.unseenError as number)).toBeCloseTo((12.706 * d) / 2, 9);
  }
  expect(summary.headline["Bayes unseen error"]).toBe(0);
  expect(summary.verdicts).toHaveLength(2);
  expect(report).toContain("Claims and verdicts");
  expect(report).toContain("unseen count");
});

test("classification: a grammar whose whole support is in the training set has no unseen data, overlap 1, a note, and an inconclusive Bayes verdict", async () => {
  // RHM with L = 1, C = 2, k = 2: 4 sequences; 64 training draws miss one with probability < 1e-7.
  const dir = path.join(tempDir(), "cl-covered");
  const { rows, summary } = await runTiny("classification", dir, [
    'grammar={"S":4,"classes":2,"k":2,"arity":2,"depth":1}',
    'archs=["convnet"]',
    "P=[64]",
  ]);
  expect(rows).toHaveLength(2);
  for (const r of rows) {
    expect(r.overlap).toBe(1);
    expect(r.unseenCount).toBe(0);
    expect(r.unseenError).toBeNull();
    expect(r.unseenNote).toMatch(/only 0 of 32 requested unseen test sequences/);
  }
  const v = summary.verdicts as { verdict: string; measured: string }[];
  expect(v[0]).toMatchObject({ verdict: "inconclusive", measured: "no unseen test sequence" });
});

describe("classification verdicts on hand-made seed rows", () => {
  const c = {
    ...classification.defaults("quick"),
    archs: ["convnet" as const, "mlp" as const],
    eps: 0.1,
    tolerance: 0.02,
  };
  // Three seeds per point: the mean plus -d, 0, +d.
  const seedRows = (arch: string, errs: number[], d = 0.01): Row[] =>
    [32, 128, 512].flatMap((P, i) =>
      [-d, 0, d].map((j, rep) => ({
        arch,
        P,
        rep,
        unseenError: Math.max(0, errs[i] + (errs[i] === 0 ? 0 : j)),
        unseenGap: Math.max(0, errs[i] + (errs[i] === 0 ? 0 : j)),
      })),
    );
  it("ConvNet at Bayes and crossing eps well before the MLP: both supported", () => {
    const v = classificationVerdicts(c, [...seedRows("convnet", [0.5, 0.05, 0]), ...seedRows("mlp", [0.7, 0.5, 0.3])]);
    expect(v.map((x) => x.verdict)).toEqual(["supported", "supported"]);
    // eps = 0.1 crossed by the mean between 32 and 128: log-linear interpolation at t = 0.4 / 0.45.
    expect(v[1].measured).toContain(String(Math.round(Math.exp(Math.log(32) + (0.4 / 0.45) * Math.log(4)))));
    expect(v[1].measured).toContain("not reached in the grid");
  });
  it("the ablation learning first, and a ConvNet far from Bayes: both not supported", () => {
    const v = classificationVerdicts(c, [...seedRows("convnet", [0.7, 0.5, 0.3]), ...seedRows("mlp", [0.5, 0.05, 0])]);
    expect(v.map((x) => x.verdict)).toEqual(["not supported", "not supported"]);
  });
  it("curves within each other's intervals: inconclusive", () => {
    const v = classificationVerdicts(c, [
      ...seedRows("convnet", [0.5, 0.1, 0.02], 0.05),
      ...seedRows("mlp", [0.5, 0.12, 0.02], 0.05),
    ]);
    expect(v.map((x) => x.verdict)).toEqual(["inconclusive", "inconclusive"]);
  });
});
