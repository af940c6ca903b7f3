/**
 * exp(x) for x <= 0 as wasm/level.wat's $exp computes it, operation for operation, so the
 * leaf messages have the same bits on the JS and wasm paths (and across the worker
 * pool): k = nearest(x / ln2) by the 1.5 * 2^52 trick (ties to even), r = x - k ln2 with
 * fdlibm's two-part ln2, exp(r) by its Taylor polynomial to degree 13 (truncation below
 * 5e-18 relative for |r| <= ln2 / 2; within ~1 ulp of Math.exp), times 2^(k >> 1) and
 * 2^(k - (k >> 1)), both normal, so that a subnormal result rounds once. x = -Infinity
 * gives 0. Only x <= 0 is supported (leaf messages are shifted to max 0).
 */
const LOG2E = Math.LOG2E;
const ROUND = 6755399441055744;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const C = [
  1.6059043836821613e-10, 2.08767569878681e-9, 2.505210838544172e-8, 2.755731922398589e-7, 0.0000027557319223985893,
  0.0000248015873015873, 0.0001984126984126984, 0.001388888888888889, 0.008333333333333333, 0.041666666666666664,
  0.16666666666666666, 0.5, 1, 1,
];

/** 2^-j for j = 0..540, exact (repeated halving stays normal). */
const POW2 = new Float64Array(541);
POW2[0] = 1;
for (let j = 1; j < POW2.length; j++) POW2[j] = POW2[j - 1] * 0.5;

export function expNonPositive(x: number): number {
  if (x < -746) x = -746;
  const k = x * LOG2E + ROUND - ROUND;
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = C[0];
  for (let i = 1; i < C.length; i++) p = p * r + C[i];
  const k1 = k >> 1;
  return p * POW2[-k1] * POW2[k1 - k];
}
