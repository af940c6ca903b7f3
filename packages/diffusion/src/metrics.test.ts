import { sampleMetrics, totalVariation } from "./metrics";
import { tinyRules } from "./testing/grammars";

const g = tinyRules();
// [0,1,2,0]: class 0 via (0,1) -> (0,1),(2,0); [0,1,0,1]: class 1 via (0,0); [2,2,2,1]: (2,1) has no parent.
const x = Int32Array.of(0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 0, 1, 2, 2, 2, 1);

it("measures hand-made samples", () => {
  const m = sampleMetrics(g, x, 4, { train: Int32Array.of(0, 1, 0, 1, 1, 1, 1, 1) });
  expect(m.validity).toBe(0.75);
  expect(m.validityPerLevel[0]).toBe(0.75);
  expect(m.validityPerLevel[1]).toBeCloseTo(7 / 8, 12);
  expect(m.validityPerLevel[2]).toBe(1);
  expect(m.copyFraction).toBe(0.25);
  expect(m.diversity).toBe(0.75);
  expect(m.classDistribution[0]).toBeCloseTo(2 / 3, 12);
  expect(m.classDistribution[1]).toBeCloseTo(1 / 3, 12);
  expect(m.classTV).toBeCloseTo(1 / 6, 12);
  // Each valid sentence has probability 1/2 (class) * 1/2 (rule) * 1/4 (two level-2 rules).
  expect(m.meanLogLikelihood).toBeCloseTo(Math.log(1 / 16), 12);
});

it("reports no class distribution when nothing is valid", () => {
  const m = sampleMetrics(g, Int32Array.of(2, 2, 2, 1), 1);
  expect(m.validity).toBe(0);
  expect(m.classTV).toBeNull();
  expect(m.meanLogLikelihood).toBeNull();
  expect(m.copyFraction).toBeNull();
});

it("rejects shapes that do not match", () => {
  expect(() => sampleMetrics(g, x, 3)).toThrow(/n\*d/);
  expect(() => sampleMetrics(g, x, 4, { train: Int32Array.of(0, 1, 2) })).toThrow(/train/);
  expect(() => totalVariation([1], [0.5, 0.5])).toThrow(/lengths/);
});
