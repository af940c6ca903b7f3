import { benchCompiledModels } from "./compiled";

describe("benchCompiledModels", () => {
  it("times compileBPModel's U-Net beside runBP for every kernel kind, and the U-Net computes BP", async () => {
    const r = await benchCompiledModels({ depth: 3, batch: 16, reps: 1, approxWidths: [8, 64] });
    expect(r.cases.map((c) => c.kind)).toEqual(["product", "rules", "dense"]);
    for (const c of r.cases) {
      // 64 tuples per level for every kind: width m R + R = 192.
      expect(c.tuplesPerLevel).toEqual([64, 64, 64]);
      expect(c.width).toBe(192);
      expect(c.params).toBeGreaterThan(0);
      expect(c.maxAbsError).toBeLessThan(1e-4);
      expect(c.ratio).toBeCloseTo(c.compiledSeqPerSec / c.bpSeqPerSec, 10);
      expect(Number.isFinite(c.compiledCpuSeqPerSec) && Number.isFinite(c.bpCpuSeqPerSec)).toBe(true);
      // The ReLU-approximated U-Net (same weights) beside it: the error falls with W.
      expect(c.approx.map((a) => a.approxWidth)).toEqual([8, 64]);
      expect(c.approx[1].maxAbsError * 4).toBeLessThan(c.approx[0].maxAbsError);
      expect(c.approx[1].meanAbsError).toBeLessThan(c.approx[0].meanAbsError);
    }
  });
});
