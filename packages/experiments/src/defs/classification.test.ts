import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";

test("classification: one trained ConvNet per P, scored beside the Bayes values of BP", async () => {
  const dir = path.join(tempDir(), "cl");
  const { rows, summary } = await runTiny("classification", dir);
  expect(rows.map((r) => r.P)).toEqual([16, 32]);
  for (const r of rows) {
    expect(r.bayesAccuracy).toBe(1); // the RHM is unambiguous: clean leaves fix the class
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.crossEntropy).toBeGreaterThan(0);
    expect(r.steps).toBe(4);
  }
  expect(summary.headline["Bayes accuracy"]).toBe(1);
});
