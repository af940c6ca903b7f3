import { benchBP } from "./bp";
import { numpyUnavailable } from "./bp_numpy";
import { logLogSlope } from "./bp_scaling";

test("benchBP: both workloads, throughput consistent with the timings, agreement with the naive and numpy references", async () => {
  const r = await benchBP({ batch: 2, repeats: 1, naiveBatch: 1, threads: 2 });
  expect(r.cases.map((c) => c.name)).toEqual(["product", "rhm"]);
  for (const c of r.cases) {
    expect(c.sequencesPerSecond).toBeCloseTo((1000 * c.batch) / c.msPerBatch, 6);
    expect(c.speedup!).toBeCloseTo(c.sequencesPerSecond / c.naive!.sequencesPerSecond, 6);
    // float64 exp-domain against log-domain BP: same numbers up to rounding
    expect(c.agreement!.maxAbsLogZ).toBeLessThan(1e-9);
    expect(c.agreement!.maxAbsMarginal).toBeLessThan(1e-9);
    if (numpyUnavailable() === null) {
      // The numpy reference computes the same BP: a fast wrong answer is no speed-up.
      expect(c.numpy!.agreement.maxAbsLogZ).toBeLessThan(1e-9);
      expect(c.numpy!.agreement.maxAbsMarginal).toBeLessThan(1e-9);
      expect(c.vsNumpy!.median).toBeCloseTo(c.sequencesPerSecond / c.numpy!.sequencesPerSecond, 6);
      expect(c.numpy!.peakBytesPerSequence).toBeGreaterThan(0);
    } else expect(c.referenceSkipped).toMatch(/python3/);
  }
  for (const c of r.cases) {
    // Writing into reused arrays is timed beside every fresh call, with its ratio to the faster numpy setting.
    expect(c.reused.single.sequencesPerSecond).toBeCloseTo((1000 * c.batch) / c.reused.single.msPerBatch, 6);
    if (numpyUnavailable() === null && c.pool) {
      expect(c.bestNumpy!.sequencesPerSecond).toBeGreaterThanOrEqual(
        Math.min(c.numpy!.sequencesPerSecond, c.numpyOneThread!.sequencesPerSecond),
      );
      expect(c.reused.pooled!.vsBestNumpy!.median).toBeCloseTo(
        c.reused.pooled!.sequencesPerSecond / c.bestNumpy!.sequencesPerSecond,
        6,
      );
    }
  }
  expect(r.text).toContain("into reused result arrays");
  // The worker pool's results are the single thread's, bit for bit.
  for (const c of r.cases) if (c.pool) expect(c.pool.identical).toBe(true);
  // The peer's rate is only a recorded figure, and only for its own shape (batch 256).
  expect(r.cases[1].vsPeer).toBeNull();
  // The same-run peer needs a checkout of it: without one the RHM case says so; the product case has none.
  if (process.env.GHM_PEER_RHM_DIR === undefined)
    expect(r.cases[1].peer).toEqual({ skipped: expect.stringMatching(/GHM_PEER_RHM_DIR/) });
  expect(r.cases[0].peer).toBeNull();
  // up + down + marginals of m=2, L=10, S=16: 3 * 16 * (2^11 - 1) floats, plus the root.
  expect(r.cases[0].bytesPerSequence).toBe(8 * (3 * 16 * 2047 + 2 * 16 + 2));
  expect(r.text).toContain("fast/naive");
  expect(r.text).toMatch(/agreeing to \d\.\de-\d+ in log Z/);
  await expect(benchBP({ batch: 0 })).rejects.toThrow(/options.batch: is 0 \(use a positive integer\)/);
}, 60000);

test("logLogSlope recovers the exponent of a power law", () => {
  const x = [8, 16, 32, 64];
  expect(
    logLogSlope(
      x,
      x.map((v) => 3 * v ** 1.5),
    ),
  ).toBeCloseTo(1.5, 12);
  expect(
    logLogSlope(
      x,
      x.map(() => 2),
    ),
  ).toBeCloseTo(0, 12);
});
