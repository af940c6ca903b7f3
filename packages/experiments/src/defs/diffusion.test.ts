import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";

test("diffusion: exact BP joint draws are valid sentences; U-Net samples are scored for validity and copying", async () => {
  const dir = path.join(tempDir(), "df");
  const { rows } = await runTiny("diffusion", dir);
  const bp = rows.find((r) => r.kind === "samples" && r.denoiser === "bp-joint")!;
  expect(bp.validity).toBe(1);
  const unet = rows.find((r) => r.kind === "samples" && r.denoiser === "unet")!;
  expect(unet.P).toBe(16);
  for (const r of [bp, unet]) {
    expect(r.copyFraction).toBeGreaterThanOrEqual(0);
    expect(r.copyFraction).toBeLessThanOrEqual(1);
  }
  // One per-level row per tree level (L = 3) and denoiser.
  expect(rows.filter((r) => r.kind === "level")).toHaveLength(2 * 4);
  expect(rows.find((r) => r.kind === "level" && r.denoiser === "bp-joint" && r.level === 0)!.validity).toBe(bp.validity);
});
