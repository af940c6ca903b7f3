import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import { fitLogistic, logistic } from "./logisticFit";
import { phaseTransition, type PhaseTransitionConfig, transitionFits } from "./phaseTransition";

describe("fitLogistic", () => {
  it("recovers tc and w from exact synthetic curves", () => {
    const xs = Array.from({ length: 21 }, (_, i) => (0.98 * i) / 20);
    for (const [tc, w, chance] of [
      [0.55, 0.06, 0.125],
      [0.3, 0.02, 0.5],
      [0.8, 0.15, 0.1],
    ]) {
      const f = fitLogistic(
        xs,
        xs.map((x) => logistic(x, tc, w, chance)),
        chance,
      );
      expect(f.tc).toBeCloseTo(tc, 6);
      expect(f.w).toBeCloseTo(w, 6);
      expect(f.rmse).toBeLessThan(1e-8);
    }
  });
  it("recovers them within a few percent under binomial-sized noise", () => {
    let s = 7;
    const u = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return (s + 0.5) / 2 ** 31;
    };
    const xs = Array.from({ length: 41 }, (_, i) => (0.98 * i) / 40);
    // +-0.01 uniform noise (the size of a binomial error at n ~ 1000)
    const ys = xs.map((x) => logistic(x, 0.5, 0.05, 0.125) + 0.02 * (u() - 0.5));
    const f = fitLogistic(xs, ys, 0.125);
    expect(Math.abs(f.tc - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(f.w / 0.05 - 1)).toBeLessThan(0.1);
  });
});

const tinyConfig = (): PhaseTransitionConfig => phaseTransition.defaults("tiny");

/** Rows of synthetic logistic class curves (and leaf curves) with width w(L, rep). */
function syntheticRows(
  c: PhaseTransitionConfig,
  width: (L: number, rep: number) => number,
  centre: (L: number) => number,
): Row[] {
  const rows: Row[] = [];
  const xs = Array.from({ length: 21 }, (_, i) => (0.98 * i) / 20);
  for (const L of c.depths) {
    for (let rep = 0; rep < c.repeats; rep++) {
      for (const x of xs) {
        rows.push({
          process: "vp",
          L,
          rep,
          noise: x,
          level: 0,
          agreement: logistic(x, centre(L), width(L, rep), 1 / c.grammar.classes),
        });
        rows.push({ process: "vp", L, rep, noise: x, level: L, agreement: logistic(x, 0.4, 0.2, 1 / c.grammar.S) });
      }
    }
  }
  return rows;
}

describe("phase-transition summarize: verdicts computed from the rows", () => {
  const c = { ...tinyConfig(), depths: [2, 3, 4, 5, 6], repeats: 3 };
  const jitter = (rep: number) => 1 + 0.01 * (rep - 1);
  it("a width halving per level is 'supported'; the fitted slope is ln(1/2)", () => {
    const rows = syntheticRows(
      c,
      (L, rep) => 0.2 * 0.5 ** (L - 2) * jitter(rep),
      () => 0.5,
    );
    const s = phaseTransition.summarize(c, rows);
    const v = s.verdicts.find((v) => v.hypothesis.includes("sharpens"))!;
    expect(v.verdict).toBe("supported");
    expect(s.headline["width slope d ln w / dL vp"] as number).toBeCloseTo(Math.log(0.5), 6);
    expect(s.headline["critical noise vp L=2"] as number).toBeCloseTo(0.5, 6);
    expect(s.headline["width vp L=4"] as number).toBeCloseTo(0.05, 4);
    // the class (w <= 0.2) drops more sharply than the leaves (w = 0.2) at the deepest L
    expect(s.verdicts.find((v) => v.hypothesis.includes("more abruptly"))!.verdict).toBe("supported");
  });
  it("a constant width is 'not supported' (tight interval around 0), a growing one too", () => {
    for (const growth of [1, 1.3]) {
      const rows = syntheticRows(
        c,
        (L, rep) => 0.08 * growth ** L * jitter(rep),
        () => 0.5,
      );
      const v = phaseTransition.summarize(c, rows).verdicts.find((v) => v.hypothesis.includes("sharpens"))!;
      expect(v.verdict).toBe("not supported");
    }
  });
  it("widths scattered over seeds without a trend are 'inconclusive'", () => {
    const rows = syntheticRows(
      c,
      (L, rep) => 0.08 * [0.5, 1, 2][rep] * (L % 2 ? 1.5 : 0.7),
      () => 0.5,
    );
    expect(phaseTransition.summarize(c, rows).verdicts.find((v) => v.hypothesis.includes("sharpens"))!.verdict).toBe(
      "inconclusive",
    );
  });
  it("the centre trend: a moving centre is 'supported', a fixed one 'not supported'", () => {
    const moving = phaseTransition.summarize(
      c,
      syntheticRows(
        c,
        (_L, rep) => 0.05 * jitter(rep),
        (L) => 0.3 + 0.05 * L,
      ),
    );
    expect(moving.verdicts.find((v) => v.hypothesis.includes("shifts"))!.verdict).toBe("supported");
    expect(moving.headline["centre slope d tc / dL vp"] as number).toBeCloseTo(0.05, 6);
    const fixed = phaseTransition.summarize(
      c,
      syntheticRows(
        c,
        (_L, rep) => 0.05 * jitter(rep),
        () => 0.5,
      ),
    );
    expect(fixed.verdicts.find((v) => v.hypothesis.includes("shifts"))!.verdict).toBe("not supported");
  });
});

describe("phase-transition measured with exact BP", () => {
  it("agreement is exactly 1 at every level at zero noise; near chance at full noise (binomial bound from n)", async () => {
    const c = { ...tinyConfig(), minNoise: 0, maxNoise: 0.999999, levels: 3, n: 400 };
    for (const L of [2, 3]) {
      for (const rep of [0, 1]) {
        const rows = await phaseTransition.run(
          c,
          { id: `vp-L${L}-s${rep}`, params: { process: "vp", L, rep } },
          { dir: tempDir() },
        );
        expect(rows).toHaveLength(3 * (L + 1));
        for (const r of rows.filter((r) => r.noise === 0)) expect(r.agreement).toBe(1);
        // At abar = 1e-6 the posterior class is the uniform prior, independent of the truth:
        // agreement ~ Binomial(n, 1/C) / n; 4.5 standard deviations.
        const p = 1 / c.grammar.classes;
        const full = rows.find((r) => r.noise === c.maxNoise && r.level === 0)!;
        expect(Math.abs((full.agreement as number) - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / c.n));
      }
    }
  });

  it("tiny preset end to end: jobs per seed, fits, verdicts and the report", async () => {
    const dir = path.join(tempDir(), "pt");
    const { rows, report, summary } = await runTiny("phase-transition", dir);
    const c = tinyConfig();
    // tiny: depths 2 and 3, vp only, 8 levels, 2 seeds; one row per tree level.
    expect(rows).toHaveLength(2 * 8 * (3 + 4));
    expect(phaseTransition.jobs(c).map((j) => j.id)).toEqual(["vp-L2-s0", "vp-L2-s1", "vp-L3-s0", "vp-L3-s1"]);
    const fits = transitionFits(c, rows);
    expect(fits.seeds).toHaveLength(4);
    for (const d of fits.depths) {
      expect(d.first).toBe(1);
      // the class is lost inside the grid: centre between the ends, agreement near chance at t = 0.98
      expect(d.tc.mean).toBeGreaterThan(0.05);
      expect(d.tc.mean).toBeLessThan(0.98);
      expect(d.last).toBeLessThan(0.5);
    }
    expect(summary.headline["critical noise vp L=2"]).toBeCloseTo(fits.depths[0].tc.mean, 12);
    expect((summary.verdicts ?? []).length).toBe(3);
    expect(report).toContain("none (exact BP, float64)");
    expect(report).toContain("figures/transition-width.png");
  });
});
