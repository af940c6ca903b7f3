/**
 * exp(x) for x <= 0 as wasm/level.wat's leaves kernel computes it, operation for
 * operation, so the leaf messages have the same bits on the JS and wasm paths (and across
 * the worker pool): k = nearest(32 x / ln2) by the 1.5 * 2^52 trick (ties to even),
 * r = x - k ln2 / 32 with fdlibm's two-part ln2 (|r| <= ln2 / 64), q = exp(r) - 1 by its
 * Taylor polynomial to degree 6 in Estrin's form (truncation below 4e-18 relative), t + t q
 * with t = EXP_TABLE[j] = 2^(j / 32) for k = 32 e + j, then 2^(e >> 1) and 2^(e - (e >> 1)), both
 * normal, so that a subnormal result rounds once. Within 1 ulp of Math.exp (tested). x = -Infinity
 * gives 0. Only x <= 0 is supported (leaf messages are shifted to max 0).
 */
const INV_LN2_32 = 46.16624130844683;
const ROUND = 6755399441055744;
/** fdlibm's ln2 split, divided by 32 (exactly). */
const LN2_32_HI = 0.02166084938653512;
const LN2_32_LO = 5.9631716539705866e-12;
/** 1 / n! for n = 0..6 (C[0] and C[1] are implicit in q = r + ...). */
const C = [1, 1, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889];

/** 2^(j / 32) for j = 0..31, correctly rounded (written out, so no platform's pow is involved). */
export const EXP_TABLE = new Float64Array([
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924,
  1.1387886347566916, 1.1637248587775775, 1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832, 1.4142135623730951, 1.4451808069770467,
  1.4768261459394993, 1.5091644275934228, 1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103,
  1.9152065613971474, 1.9571441241754002,
]);

/** 2^-i for i = 0..540, exact (repeated halving stays normal). */
const POW2 = new Float64Array(541);
POW2[0] = 1;
for (let i = 1; i < POW2.length; i++) POW2[i] = POW2[i - 1] * 0.5;

export function expNonPositive(x: number): number {
  if (x < -746) x = -746;
  const k = x * INV_LN2_32 + ROUND - ROUND;
  const r = x - k * LN2_32_HI - k * LN2_32_LO;
  // Estrin's scheme, grouped exactly as in level.wat.
  const r2 = r * r;
  const q = r + (C[2] + C[3] * r) * r2 + (C[4] + C[5] * r + C[6] * r2) * (r2 * r2);
  const e = k * 0.03125 - 0.484375 + ROUND - ROUND;
  const j = k - e * 32;
  // e1 = floor(e / 2) by the same rounding trick (level.wat reads 2^e1 off its bits).
  const e1 = e * 0.5 - 0.25 + ROUND - ROUND;
  const t = EXP_TABLE[j];
  return (t + t * q) * POW2[-e1] * POW2[e1 - e];
}
