import { benchCompiledModels } from "./compiled_models";

describe("benchCompiledModels", () => {
  it("times compileBPModel's U-Net and ConvNet beside runBP for every kernel kind, and the error against W and L", async () => {
    const r = await benchCompiledModels({ depth: 3, approxDepths: [2], batch: 16, reps: 1, approxWidths: [8, 64] });
    expect(r.cases.map((c) => c.kind)).toEqual(["product", "rules", "dense"]);
    for (const c of r.cases) {
      // 64 tuples per level for every kind: width m R + R = 192.
      expect(c.tuplesPerLevel).toEqual([64, 64, 64]);
      expect(c.width).toBe(192);
      expect(c.params).toBeGreaterThan(0);
      expect(c.maxAbsError).toBeLessThan(1e-4);
      expect(c.ratio).toBeCloseTo(c.compiledSeqPerSec / c.bpSeqPerSec, 10);
      expect(Number.isFinite(c.compiledCpuSeqPerSec) && Number.isFinite(c.bpCpuSeqPerSec)).toBe(true);
      // The ReLU-approximated U-Net (same weights) beside it, timed: the error falls with W.
      expect(c.approx.map((a) => a.approxWidth)).toEqual([8, 64]);
      expect(c.approx[1].maxAbsError * 4).toBeLessThan(c.approx[0].maxAbsError);
      expect(c.approx[1].meanAbsError).toBeLessThan(c.approx[0].meanAbsError);
      for (const a of c.approx) expect(a.ratio).toBeCloseTo(a.seqPerSec / c.bpSeqPerSec, 10);
      // The classifier computes BP's root posterior; its width needs no decoder channels.
      expect(c.convnet.maxAbsError).toBeLessThan(1e-4);
      expect(c.convnet.params).toBeLessThan(c.params);
      expect(c.convnet.ratio).toBeCloseTo(c.convnet.seqPerSec / c.convnet.bpSeqPerSec, 10);
      // Error against L: the extra depth and the throughput depth, ascending; the last row is the case above.
      expect(c.byDepth.map((row) => row.depth)).toEqual([2, 3]);
      expect(c.byDepth[1].exactMaxAbsError).toBe(c.maxAbsError);
      expect(c.byDepth[1].approx[0].maxAbsError).toBe(c.approx[0].maxAbsError);
      expect(c.byDepth[0].params).toBeLessThan(c.byDepth[1].params);
      expect(c.byDepth[0].exactMaxAbsError).toBeLessThan(1e-4);
      expect(c.byDepth[0].approx[1].maxAbsError).toBeLessThan(c.byDepth[0].approx[0].maxAbsError);
    }
  });

  it("refuses reps and depths it cannot run", async () => {
    await expect(benchCompiledModels({ reps: 0 })).rejects.toThrow(/options.reps: is 0 \(use an integer >= 1\)/);
    await expect(benchCompiledModels({ approxDepths: [0] })).rejects.toThrow(
      /options.depths: has 0 \(use integers in 1\.\.10\)/,
    );
  });
});
