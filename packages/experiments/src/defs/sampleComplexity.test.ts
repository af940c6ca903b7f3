import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";
import { sampleComplexity } from "./sampleComplexity";

test("sample-complexity: P is a multiple of P* = C k^L and the error is 1 - accuracy", async () => {
  const c = sampleComplexity.defaults("tiny");
  expect(sampleComplexity.jobs(c).map((j) => j.id)).toEqual(["L2-k2-P8", "L2-k2-P32"]); // C k^L = 4 * 2^2 = 16
  const dir = path.join(tempDir(), "sc");
  const { rows } = await runTiny("sample-complexity", dir);
  for (const r of rows) {
    expect(r.Pstar).toBe(16);
    expect(r.ratio).toBeCloseTo((r.P as number) / 16, 12);
    expect(r.testError).toBeCloseTo(1 - (r.accuracy as number), 12);
  }
});
