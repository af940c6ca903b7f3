import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";

test("approximation: exact compiled weights match BP to float32 rounding; ReLU widths give larger errors", async () => {
  const dir = path.join(tempDir(), "ap");
  const { rows, report } = await runTiny("approximation", dir);
  const exact = rows.find((r) => r.W === null)!;
  expect(exact.leafTV).toBeLessThan(1e-5);
  expect(exact.rootTV).toBeLessThan(1e-5);
  const approx = rows.filter((r) => r.W !== null);
  expect(approx.map((r) => r.W)).toEqual([4, 16]);
  for (const r of approx) expect(r.leafTV).toBeGreaterThan(exact.leafTV as number);
  expect(report).toContain("tfjs");
});
