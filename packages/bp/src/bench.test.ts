import { benchBP } from "./bench";

test("benchBP smoke test: both workloads run and report positive figures", () => {
  const r = benchBP({ batch: 2, repeats: 1, naiveBatch: 1 });
  expect(r.cases.map((c) => c.name)).toEqual(["product", "rhm"]);
  for (const c of r.cases) {
    expect(c.sequencesPerSecond).toBeGreaterThan(0);
    expect(c.naive!.sequencesPerSecond).toBeGreaterThan(0);
    expect(c.speedup).toBeGreaterThan(0);
  }
  // up + down + marginals of m=2, L=10, S=16: 3 * 16 * (2^11 - 1) floats, plus the root.
  expect(r.cases[0].bytesPerSequence).toBe(8 * (3 * 16 * 2047 + 2 * 16 + 2));
  expect(r.text).toContain("fast/naive");
  expect(() => benchBP({ batch: 0 })).toThrow(/batch is 0/);
});
