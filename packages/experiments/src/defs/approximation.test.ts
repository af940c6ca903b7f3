import * as path from "node:path";
import { randomProductGrammar } from "@ghmkit/ghm";
import { fitScalarReLU } from "@ghmkit/nets";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import { approximation, compiledParamCount, exponentFits } from "./approximation";

describe("compiledParamCount", () => {
  it("matches the closed form by hand for S = C = 8, m = 2", () => {
    const g = { S: 8, classes: 8, arity: 2 };
    // linear blocks per pass: m (C S + (L - 1) S^2) = 2 (64 + 2 * 64) = 384 at L = 3
    // U-Net: 2 * 384 + 8 + 4 * 3 * 2 * (16 + 1) = 776 + 408 = 1184; ConvNet: 384 + 8 + 6 * 34 = 596
    expect(compiledParamCount(g, 16, 3)).toEqual({ unet: 1184, convnet: 596, linear: 384, relu: 34 });
    expect(compiledParamCount(g, null, 2)).toEqual({ unet: 2 * 256 + 8, convnet: 256 + 8, linear: 256, relu: 0 });
  });
  it("equals the numbers the grammar and the fitted ReLU nets hold", () => {
    for (const [L, W, S, C, m] of [
      [2, 8, 4, 3, 2],
      [3, 32, 5, 2, 3],
    ]) {
      const g = randomProductGrammar({ depth: L, arity: m, vocab: S, classes: C, p: 0.3, seed: 1 });
      const blocks = g.levels.reduce(
        (a, k) => a + (k.kind === "product" ? k.matrices.reduce((b, M) => b + M.length, 0) : NaN),
        0,
      );
      const relu = fitScalarReLU(Math.exp, W, -16, 0, { spacing: "linear" });
      const perNet = relu.knots.length + relu.values.length;
      expect(compiledParamCount({ S, classes: C, arity: m }, W, L)).toEqual({
        unet: 2 * blocks + g.root.length + 4 * L * perNet,
        convnet: blocks + g.root.length + 2 * L * perNet,
        linear: blocks,
        relu: perNet,
      });
    }
  });
});

/** Hand-made rows: error(L, W, rep) for both networks, and exact-weights floors of 1e-8. */
function rows(err: (L: number, W: number, rep: number) => number): Row[] {
  const out: Row[] = [];
  for (const L of [2, 3, 4]) {
    for (let rep = 0; rep < 3; rep++) {
      out.push({ L, W: null, rep, leafTV: 1e-8, rootTV: 1e-8, classArgmaxAgreement: 1, unetParams: 1, convParams: 1 });
      for (const W of [16, 32, 64, 128, 256])
        out.push({
          L,
          W,
          rep,
          leafTV: err(L, W, rep),
          rootTV: 2 * err(L, W, rep),
          classArgmaxAgreement: 1,
          unetParams: 1,
          convParams: 1,
        });
    }
  }
  return out;
}

describe("approximation summarize: verdicts computed from the rows", () => {
  const c = { ...approximation.defaults("quick"), depths: [2, 3, 4], repeats: 3 };
  const jitter = (rep: number) => 1 + 0.02 * (rep - 1);
  it("error = 3 L W^-2 gives a = 2 at every depth: decay supported, growth with depth supported", () => {
    const s = approximation.summarize(
      c,
      rows((L, W, rep) => 3 * L * W ** (-2 * jitter(rep))),
    );
    expect(s.verdicts.map((v) => v.verdict)).toEqual(["supported", "supported", "supported", "supported"]);
    // fit only over W >= fitMinWidth = 32: the W = 16 point is left out
    const fits = exponentFits(
      c,
      rows((L, W) => (W < 32 ? 1 : L * W ** -2)),
    );
    for (const d of fits.depths) expect(d.a.mean).toBeCloseTo(2, 10);
    expect(s.headline["U-Net exponent a L=3"] as number).toBeCloseTo(2, 2);
    expect(s.headline["ConvNet ln error slope per level at W=256"] as number).toBeCloseTo(Math.log(2) / 2, 6); // least squares of ln(3L) on L = 2, 3, 4
  });
  it("an error growing with W is 'not supported'; errors below 10x the float32 floor are not fitted", () => {
    const s = approximation.summarize(
      c,
      rows((_L, W, rep) => 1e-3 * W ** (0.5 * jitter(rep))),
    );
    expect(s.verdicts.filter((v) => v.hypothesis.includes("polynomially")).map((v) => v.verdict)).toEqual([
      "not supported",
      "not supported",
    ]);
    // all at the floor: nothing to fit
    const floor = approximation.summarize(
      c,
      rows(() => 5e-8),
    );
    expect(floor.verdicts[0].verdict).toBe("inconclusive");
    expect(floor.verdicts[0].measured).toMatch(/no depth/);
  });
});

test("approximation tiny preset: exact weights match BP to float32 rounding; the error falls with W", async () => {
  const dir = path.join(tempDir(), "ap");
  const { rows: rs, report, summary } = await runTiny("approximation", dir);
  const c = approximation.defaults("tiny");
  expect(
    approximation
      .jobs(c)
      .map((j) => j.id)
      .slice(0, 4),
  ).toEqual(["L2-exact-s0", "L2-exact-s1", "L2-W8-s0", "L2-W8-s1"]);
  expect(rs).toHaveLength(2 * 2 * 4);
  for (const r of rs.filter((r) => r.W === null)) {
    expect(r.leafTV).toBeLessThan(1e-5);
    expect(r.rootTV).toBeLessThan(1e-5);
  }
  for (const L of [2, 3]) {
    for (const rep of [0, 1]) {
      const errs = [8, 32, 128].map((W) => rs.find((r) => r.L === L && r.rep === rep && r.W === W)!);
      // strictly decreasing in W, and by more than 4x from 32 to 128 (a > 1)
      expect(errs[1].leafTV as number).toBeLessThan(errs[0].leafTV as number);
      expect(errs[2].leafTV as number).toBeLessThan((errs[1].leafTV as number) / 4);
      expect(errs[2].rootTV as number).toBeLessThan((errs[1].rootTV as number) / 4);
      expect(errs[2].unetParams).toBe(compiledParamCount(c.grammar, 128, L).unet);
    }
  }
  expect(summary.verdicts!.length).toBe(4);
  expect(report).toContain("tfjs");
  expect(report).toContain("figures/exponent-vs-depth.png");
});
