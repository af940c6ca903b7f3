import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";

test("denoising: U-Net and an ablation scored against the Bayes MSE, mixed and per noise level", async () => {
  const dir = path.join(tempDir(), "dn");
  const { rows } = await runTiny("denoising", dir);
  expect(new Set(rows.map((r) => r.arch))).toEqual(new Set(["unet", "mlp"]));
  expect(rows.filter((r) => r.noise === "fixed").map((r) => r.abar)).toEqual([0.5, 0.5]);
  for (const r of rows) {
    expect(r.bayesMse).toBeGreaterThan(0);
    // BP is Bayes-optimal: no predictor beats it by more than test-set noise.
    expect(r.ratio).toBeGreaterThan(0.9);
    expect(r.ratio).toBeCloseTo((r.mse as number) / (r.bayesMse as number), 10);
  }
});
