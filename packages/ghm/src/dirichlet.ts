import type { Rng } from "./rng";

/**
 * log of a Gamma(shape, 1) draw. Marsaglia-Tsang for shape >= 1; for shape < 1
 * the boost Gamma(a) = Gamma(a + 1) * U^(1/a), kept in the log domain because
 * U^(1/a) underflows to 0 for small a (which would make a Dirichlet row 0/0).
 */
export function logGamma(rng: Rng, shape: number): number {
  if (shape < 1) return logGamma(rng, shape + 1) + Math.log(1 - rng.uniform()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** Writes a symmetric Dirichlet(concentration) draw into out[offset .. offset+n). */
export function dirichletInto(rng: Rng, n: number, concentration: number, out: Float64Array, offset: number): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logGamma(rng, concentration);
    out[offset + i] = v;
    if (v > max) max = v;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.exp(out[offset + i] - max);
    out[offset + i] = v;
    total += v;
  }
  for (let i = 0; i < n; i++) out[offset + i] /= total;
}
