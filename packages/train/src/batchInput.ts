/**
 * A training batch's net input built in one float32 pass: the observation of the
 * clean leaves (data.ts `observe`) followed by nets' `evidenceToNetInput`, without the
 * float64 evidence of the whole batch, its per-row arrays or a second pass over it.
 * The draws and every floating-point operation are those of observe +
 * evidenceToNetInput, in the same order, so the input is bit-identical (tested).
 */
import type { Rng } from "@ghmkit/ghm";
import type { NoiseSpec } from "./config";
import { abarSampler } from "./noiseLevel";

/** evidenceToNetInput's default clip B, which the training step has always used (inputs in [-1, 0]). */
const CLIP = 20;

/**
 * The net input `[n, d, S]` of the leaves x (`[n, d]`) under the noise model, drawing
 * each row's abar and then its noise from rng, written into `out` (n*d*S entries).
 */
export function noisyNetInput(
  x: Int32Array,
  n: number,
  d: number,
  S: number,
  noise: NoiseSpec,
  rng: Rng,
  out: Float32Array = new Float32Array(n * d * S),
): Float32Array {
  if (out.length !== n * d * S)
    throw new RangeError(`noisyNetInput: out has ${out.length} entries, expected ${n * d * S}`);
  const scale = 1 / CLIP;
  if (noise.kind === "exact") {
    // Exact evidence is 0 at the symbol and -Infinity elsewhere: after the shift and clip, onehot(x) - 1.
    const off = Math.max(-Infinity, -CLIP) * scale;
    out.fill(off);
    for (let i = 0; i < n * d; i++) out[i * S + x[i]] = 0;
    return out;
  }
  const draw = abarSampler(noise);
  const row = d * S;
  const e = new Float64Array(row);
  for (let r = 0; r < n; r++) {
    const a = draw(rng);
    const alpha = Math.sqrt(a);
    const sigma = Math.sqrt(1 - a);
    if (!(sigma > 0)) throw new RangeError(`noise: abar = ${a} leaves no noise (sigma = 0); keep noise.abarMax < 1`);
    // z = alpha onehot(x) + sigma g, e = (alpha / sigma / sigma) z, as ghm's gaussianEvidence.
    for (let i = 0; i < row; i++) e[i] = sigma * rng.normal();
    for (let j = 0; j < d; j++) e[j * S + x[r * d + j]] += alpha;
    const c = alpha / sigma / sigma;
    const o = r * row;
    for (let j = 0; j < d; j++) {
      const b = j * S;
      let mx = -Infinity;
      for (let s = 0; s < S; s++) {
        const v = c * e[b + s];
        if (!Number.isFinite(v))
          throw new RangeError(
            `noise: evidence overflows at abar = ${a} (sigma = ${sigma}); keep noise.abarMax further from 1`,
          );
        e[b + s] = v;
        if (v > mx) mx = v;
      }
      for (let s = 0; s < S; s++) out[o + b + s] = Math.max(e[b + s] - mx, -CLIP) * scale;
    }
  }
  return out;
}
