/**
 * exp(x) for x <= 0 at float32 accuracy (relative error < 1e-8), about twice as fast
 * as Math.exp in V8: it turns leaf evidence into exp-domain messages, 4M values per
 * batch of the benchmark, the largest single cost of the scaled U-Net's input.
 * Cody-Waite range reduction x = -k ln 2 + r, |r| <= ln(2)/2, degree-7 Taylor
 * polynomial for e^r, and 2^-k from a table. x < -104 (below float32's smallest
 * subnormal) and -Infinity give 0.
 */
const LOG2E = Math.LOG2E;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const POW2_NEG = new Float64Array(151).map((_, k) => 2 ** -k);

export function expNonPositive(x: number): number {
  if (!(x > -104)) return 0;
  // x <= 0, so k = round(-x log2 e) is a small non-negative integer.
  const k = (-x * LOG2E + 0.5) | 0;
  const r = x + k * LN2_HI + k * LN2_LO;
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r / 5040))))));
  return p * POW2_NEG[k];
}
