/**
 * exp(x) for x <= 0 as wasm/level.wat's $exp computes it, operation for operation, so the
 * leaf messages have the same bits on the JS and wasm paths (and across the worker
 * pool): k = nearest(x / ln2) by the 1.5 * 2^52 trick (ties to even), r = x - k ln2 with
 * fdlibm's two-part ln2, exp(r) by its Taylor polynomial to degree 13 in Estrin's form (truncation below
 * 5e-18 relative for |r| <= ln2 / 2; within 2 ulp of Math.exp), times 2^(k >> 1) and
 * 2^(k - (k >> 1)), both normal, so that a subnormal result rounds once. x = -Infinity
 * gives 0. Only x <= 0 is supported (leaf messages are shifted to max 0).
 */
const LOG2E = Math.LOG2E;
const ROUND = 6755399441055744;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** 1 / n! for n = 0..13. */
const C = [
  1, 1, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889,
  0.0001984126984126984, 0.0000248015873015873, 0.0000027557319223985893, 2.755731922398589e-7, 2.505210838544172e-8,
  2.08767569878681e-9, 1.6059043836821613e-10,
];

/** 2^-j for j = 0..540, exact (repeated halving stays normal). */
const POW2 = new Float64Array(541);
POW2[0] = 1;
for (let j = 1; j < POW2.length; j++) POW2[j] = POW2[j - 1] * 0.5;

export function expNonPositive(x: number): number {
  if (-746 > x) x = -746;
  const k = x * LOG2E + ROUND - ROUND;
  const r = x - k * LN2_HI - k * LN2_LO;
  // Estrin's scheme, grouped exactly as in level.wat.
  const r2 = r * r;
  const r4 = r2 * r2;
  const p0 = C[0] + C[1] * r + (C[2] + C[3] * r) * r2;
  const p2 = C[4] + C[5] * r + (C[6] + C[7] * r) * r2;
  const p4 = C[8] + C[9] * r + (C[10] + C[11] * r) * r2;
  const p6 = C[12] + C[13] * r;
  const p = p0 + p2 * r4 + (p4 + p6 * r4) * (r4 * r4);
  // k1 = floor(k / 2) by the same rounding trick (level.wat reads 2^k1 off its bits).
  const k1 = k * 0.5 - 0.25 + ROUND - ROUND;
  return p * POW2[-k1] * POW2[k1 - k];
}
