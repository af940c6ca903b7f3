import * as fc from "fast-check";
import {
  aggregateSeeds,
  crossing,
  describeCrossing,
  fitLine,
  fitPowerLaw,
  intervalVerdict,
  meanInterval,
  t975,
} from ".";

const iv = (mean: number, h = 0) => ({ mean, lo: mean - h, hi: mean + h, sd: 0, n: 3 });

describe("meanInterval", () => {
  it("matches a hand computation with the t quantile at df = 2", () => {
    const r = meanInterval([1, 2, 3]);
    expect(r.mean).toBe(2);
    expect(r.sd).toBeCloseTo(1, 12);
    expect(r.hi - r.mean).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 10);
  });
  it("has no width for one value and refuses NaN", () => {
    expect(meanInterval([5])).toEqual({ mean: 5, lo: 5, hi: 5, sd: 0, n: 1 });
    expect(() => meanInterval([1, NaN])).toThrow(/non-finite/);
    expect(() => meanInterval([])).toThrow(/no values/);
  });
  it("covers the true mean of normal draws about 95% of the time", () => {
    // Box-Muller from a fixed LCG: 4000 intervals of 3 draws each.
    let s = 12345;
    const u = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return (s + 0.5) / 2 ** 31;
    };
    const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const r = meanInterval([normal(), normal(), normal()]);
      if (r.lo <= 0 && 0 <= r.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
  it("t975 continues the table smoothly", () => {
    expect(t975(30)).toBeCloseTo(2.042, 3);
    expect(t975(31)).toBeGreaterThan(1.96);
    expect(t975(31)).toBeLessThan(2.042);
    expect(t975(1e6)).toBeCloseTo(1.96, 3);
  });
});

describe("crossing", () => {
  it("interpolates the mean linearly in log x on a log grid", () => {
    const pts = [16, 64, 256].map((x, i) => ({ x, y: iv([0.8, 0.5, 0.1][i], 0.05) }));
    const c = crossing(pts, 0.3, { direction: "down" });
    expect(c.status).toBe("crossed");
    if (c.status !== "crossed") return;
    // half way between log 64 and log 256
    expect(c.x).toBeCloseTo(128, 8);
    expect(c.lo!).toBeLessThan(c.x);
    expect(c.hi!).toBeGreaterThan(c.x);
  });
  it("says when the curve starts past the threshold or never reaches it, instead of clamping", () => {
    const below = crossing(
      [
        { x: 1, y: iv(0.1) },
        { x: 2, y: iv(0.05) },
      ],
      0.3,
      { direction: "down" },
    );
    expect(below).toEqual({ status: "below-grid", first: 1 });
    const never = crossing(
      [
        { x: 1, y: iv(0.9) },
        { x: 2, y: iv(0.8) },
      ],
      0.3,
      { direction: "down" },
    );
    expect(never).toEqual({ status: "not-reached", last: 2 });
    expect(describeCrossing(never, String)).toMatch(/> 2 \(not reached in the grid\)/);
  });
  it("upward crossings mirror downward ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 8 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (ys, level) => {
          const pts = ys.map((y, i) => ({ x: i + 1, y: iv(y) }));
          const neg = ys.map((y, i) => ({ x: i + 1, y: iv(-y) }));
          const a = crossing(pts, level, { direction: "up", logX: false });
          const b = crossing(neg, -level, { direction: "down", logX: false });
          expect(a.status).toBe(b.status);
          if (a.status === "crossed" && b.status === "crossed") expect(a.x).toBeCloseTo(b.x, 9);
        },
      ),
    );
  });
});

describe("fits", () => {
  it("recovers an exact power law with a zero-width slope interval", () => {
    const xs = [2, 3, 4, 5];
    const f = fitPowerLaw(
      xs,
      xs.map((x) => 3 * x ** 2.5),
    );
    expect(f.slope).toBeCloseTo(2.5, 10);
    expect(Math.exp(f.intercept)).toBeCloseTo(3, 8);
    expect(f.slopeHi! - f.slopeLo!).toBeLessThan(1e-6);
    expect(f.r2).toBeCloseTo(1, 10);
  });
  it("matches the textbook slope interval", () => {
    // sxy = 4.65, sxx = 5: slope 0.93
    const f = fitLine([0, 1, 2, 3], [0.1, 0.9, 2.1, 2.8]);
    expect(f.slope).toBeCloseTo(0.93, 10);
    const sse = [0.1, 0.9, 2.1, 2.8].reduce((a, y, i) => a + (y - (f.intercept + f.slope * i)) ** 2, 0);
    expect(f.slopeHi! - f.slope).toBeCloseTo(4.303 * Math.sqrt(sse / 2 / 5), 10);
  });
  it("refuses what cannot be fitted", () => {
    expect(() => fitLine([1, 1], [1, 2])).toThrow(/same/);
    expect(() => fitPowerLaw([0, 1], [1, 2])).toThrow(/> 0/);
  });
});

describe("aggregateSeeds and verdicts", () => {
  it("one row per key with the mean and interval of each field", () => {
    const rows = [
      { P: 8, arch: "a", err: 0.5 },
      { P: 8, arch: "a", err: 0.7 },
      { P: 8, arch: "b", err: 0.1 },
    ];
    const out = aggregateSeeds(rows, ["P", "arch"], ["err"]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ P: 8, arch: "a", n: 2, err: 0.6 });
    expect(out[0].errHi as number).toBeCloseTo(0.6 + (12.706 * Math.sqrt(0.02)) / Math.sqrt(2), 10);
    expect(out[1]).toMatchObject({ n: 1, err: 0.1, errLo: 0.1, errHi: 0.1 });
  });
  it("decides from the interval", () => {
    expect(intervalVerdict(1.2, 1.5, 1, "x").verdict).toBe("supported");
    expect(intervalVerdict(0.2, 0.5, 1, "x").verdict).toBe("not supported");
    expect(intervalVerdict(0.2, 1.5, 1, "x").verdict).toBe("inconclusive");
  });
});
