import { benchBP } from "./bp";

test("benchBP: both workloads, throughput consistent with the timings, and the fast BP agrees with the naive reference", () => {
  const r = benchBP({ batch: 2, repeats: 1, naiveBatch: 1 });
  expect(r.cases.map((c) => c.name)).toEqual(["product", "rhm"]);
  for (const c of r.cases) {
    expect(c.sequencesPerSecond).toBeCloseTo((1000 * c.batch) / c.msPerBatch, 6);
    expect(c.speedup!).toBeCloseTo(c.sequencesPerSecond / c.naive!.sequencesPerSecond, 6);
    // float64 exp-domain against log-domain BP: same numbers up to rounding
    expect(c.agreement!.maxAbsLogZ).toBeLessThan(1e-9);
    expect(c.agreement!.maxAbsMarginal).toBeLessThan(1e-9);
  }
  // up + down + marginals of m=2, L=10, S=16: 3 * 16 * (2^11 - 1) floats, plus the root.
  expect(r.cases[0].bytesPerSequence).toBe(8 * (3 * 16 * 2047 + 2 * 16 + 2));
  expect(r.text).toContain("fast/naive");
  expect(r.text).toMatch(/agreeing to \d\.\de-\d+ in log Z/);
  expect(() => benchBP({ batch: 0 })).toThrow(/batch is 0/);
});
