import * as path from "node:path";
import { runTiny, tempDir } from "../testing/runTiny";

test("phase-transition: agreement is a probability, near 1 at low noise, lower at high noise", async () => {
  const dir = path.join(tempDir(), "pt");
  const { rows, report } = await runTiny("phase-transition", dir);
  // tiny: depths 2 and 3, vp only, 5 levels; one row per level of each tree.
  expect(rows).toHaveLength(5 * (3 + 4));
  for (const r of rows) expect(r.agreement).toBeGreaterThanOrEqual(0);
  const cls = rows.filter((r) => r.level === 0 && r.L === 3).sort((a, b) => (a.noise as number) - (b.noise as number));
  expect(cls[0].agreement).toBeGreaterThan(0.9);
  expect(cls[cls.length - 1].agreement).toBeLessThan(cls[0].agreement as number);
  expect(report).toContain("none (exact BP, float64)");
});
