/**
 * Colour scales. Probabilities use one sequential blue ramp everywhere (white = 0,
 * dark = 1) so every heat-map reads the same; raw noisy values use a diverging ramp.
 * Both are pure functions of a number, so the layout tests need no browser.
 */

const LOW = [247, 251, 255];
const HIGH = [8, 48, 107];
const NEG = [178, 24, 43];

function mix(a: number[], b: number[], t: number): string {
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** p in [0, 1] -> white..blue (clamped; a square-root curve so small probabilities stay visible). */
export function probColor(p: number): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, p)));
  return mix(LOW, HIGH, t);
}

/** Signed value -> red (negative) .. white (0) .. blue (positive), saturating at |v| = range. */
export function divergingColor(v: number, range = 1.5): string {
  const t = Math.min(1, Math.abs(v) / range);
  return v < 0 ? mix(LOW, NEG, t) : mix(LOW, HIGH, t);
}

/** Text colour readable on top of probColor(p). */
export function inkOn(p: number): string {
  return p > 0.45 ? "#fff" : "#0b1b33";
}
