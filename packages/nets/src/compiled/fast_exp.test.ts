import { expNonPositive } from "./fast_exp";

test("matches Math.exp to 1e-8 relative over [-104, 0]; 0 below and at -Infinity", () => {
  let worst = 0;
  for (let i = 0; i <= 200000; i++) {
    const x = -(i / 200000) * 87; // float32 normal range
    worst = Math.max(worst, Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x));
  }
  expect(worst).toBeLessThan(1e-8);
  expect(expNonPositive(0)).toBe(1);
  expect(expNonPositive(-104.5)).toBe(0);
  expect(expNonPositive(-Infinity)).toBe(0);
  expect(Math.abs(expNonPositive(-100) - Math.exp(-100)) / Math.exp(-100)).toBeLessThan(1e-8);
});
