/**
 * The one builder of noisy leaf evidence (SPEC.md sections 2 and 5): it corrupts clean
 * leaves x with a noise model, drawing from the caller's seeded Rng, and returns the
 * evidence BP and networks see. Every caller (the CLI, training data, the demo's noise
 * slider, benchmarks, experiments) builds its noisy observations here, so the same seed
 * gives the same observation everywhere.
 *
 * Draw order (fixed, so results are reproducible across callers and versions):
 * - gaussian: batch * d * S standard normals g, in row-major order; z = sigma g + alpha onehot(x).
 * - vp: per row, its level abar (drawn from the Rng first when `abar` is a function),
 *   then that row's d * S normals; alpha = sqrt(abar), sigma = sqrt(1 - abar).
 *   A row at abar = 1 is clean (exact evidence); a row at abar = 0 carries none.
 * - uniform: per leaf, one uniform u; the symbol is kept when u < keep, else replaced by Rng.int(S).
 * - mask: per leaf, one uniform u; the leaf stays visible when u < keep, else it is masked (-1).
 * - exact: no draw.
 */
import { requireNumber } from "./checks";
import { InputError } from "./inputError";
import { type Evidence, checkSymbols, evidenceSize, exactEvidence, maskedEvidence } from "./evidence";
import { checkGaussianNoise, fillGaussianEvidence, gaussianEvidenceFromZ } from "./gaussianEvidence";
import type { Rng } from "./rng";
import { uniformEvidence } from "./uniformEvidence";

/** A noise model of the leaves. */
export type Noise =
  | { kind: "exact" }
  /** z = alpha onehot(x) + sigma g, e = (alpha / sigma^2) z. */
  | { kind: "gaussian"; alpha: number; sigma: number }
  /**
   * The variance-preserving diffusion state at signal level abar in [0, 1]: gaussian with
   * alpha = sqrt(abar), sigma^2 = 1 - abar. A function draws each row's level from the Rng.
   */
  | { kind: "vp"; abar: number | ((rng: Rng) => number) }
  /** Each leaf keeps its symbol with probability keep, else takes a uniform draw from [S]. */
  | { kind: "uniform"; keep: number }
  /** Each leaf stays visible with probability keep, else it is masked (no information). */
  | { kind: "mask"; keep: number };

export interface NoisyEvidence {
  evidence: Evidence;
  /** gaussian and vp, with `keepZ`: the noisy embedding z `[batch, d, S]`; null otherwise. */
  z: Float64Array | null;
  /** uniform and mask: the observed symbols `[batch, d]` (-1 marks a masked leaf); null otherwise. */
  obs: Int32Array | null;
  /**
   * gaussian and vp: each row's signal level, the abar of the vp state with the same
   * evidence (abar = alpha^2 / (alpha^2 + sigma^2)); null otherwise.
   */
  abar: Float64Array | null;
}

export interface NoisyEvidenceOptions {
  /** Return z as well (gaussian and vp); off by default, so a large batch holds only its evidence. */
  keepZ?: boolean;
}

/** Corrupt the clean leaves x (`[batch, d]`, symbols in [0, S)) with `noise`, drawing from `rng`. */
export function noisyEvidence(
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  noise: Noise,
  rng: Rng,
  options: NoisyEvidenceOptions = {},
): NoisyEvidence {
  const none = { z: null, obs: null, abar: null };
  switch (noise.kind) {
    case "exact":
      return { ...none, evidence: exactEvidence(x, batch, d, S) };
    case "gaussian": {
      checkGaussianNoise(noise.alpha, noise.sigma);
      const { alpha, sigma } = noise;
      const r = sigma / alpha;
      return gaussianRows(
        x,
        batch,
        d,
        S,
        () => ({ alpha, sigma, abar: alpha === 0 ? 0 : 1 / (1 + r * r) }),
        rng,
        options,
      );
    }
    case "vp": {
      const level = noise.abar;
      if (typeof level !== "function") requireNumber("abar", level, 0, 1);
      return gaussianRows(
        x,
        batch,
        d,
        S,
        (row) => {
          const abar = typeof level === "number" ? level : requireNumber(`abar (row ${row})`, level(rng), 0, 1);
          return { alpha: Math.sqrt(abar), sigma: Math.sqrt(1 - abar), abar };
        },
        rng,
        options,
      );
    }
    case "uniform": {
      const { keep } = noise;
      requireNumber("keep", keep, 0, 1);
      const obs = observeLeaves(x, batch, d, S, rng, (s) => (rng.uniform() < keep ? s : rng.int(S)));
      return { ...none, obs, evidence: uniformEvidence(obs, batch, d, S, keep) };
    }
    case "mask": {
      const { keep } = noise;
      requireNumber("keep", keep, 0, 1);
      const obs = observeLeaves(x, batch, d, S, rng, (s) => (rng.uniform() < keep ? s : -1));
      return { ...none, obs, evidence: maskedEvidence(obs, batch, d, S) };
    }
    default:
      throw unknownKind(noise);
  }
}

/**
 * The noise of a diffusion process at signal level abar (SPEC.md section 5): vp is the
 * gaussian state at abar, uniform keeps a symbol and mask leaves it visible with probability abar.
 */
export function levelNoise(process: "vp" | "uniform" | "mask", abar: number): Noise {
  return process === "vp" ? { kind: "vp", abar } : { kind: process, keep: abar };
}

/**
 * The evidence of an observation under a noise model: the other half of noisyEvidence,
 * for an observation drawn elsewhere (a diffusion state x_t, a file). `obs` is z
 * (`[batch, d, S]`) for gaussian and vp, the symbols (`[batch, d]`, -1 = masked) for
 * uniform, mask and exact. vp needs a fixed abar; at abar = 1 (no noise, where
 * (alpha / sigma^2) z has no limit) z is clean data and the evidence is exact at each
 * leaf's argmax. `mask`'s keep does not enter (a visible symbol is the true one).
 */
export function observationEvidence(
  obs: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  noise: Noise,
): Evidence {
  switch (noise.kind) {
    case "exact":
      return exactEvidence(obs, batch, d, S);
    case "gaussian":
      return gaussianEvidenceFromZ(obs, batch, d, S, noise.alpha, noise.sigma);
    case "vp": {
      const abar = requireNumber("abar", noise.abar, 0, 1);
      if (abar === 1) {
        if (obs.length !== evidenceSize(batch, d, S))
          throw new InputError("z", `has ${obs.length} entries, expected batch * d * S = ${batch * d * S}`);
        return exactEvidence(argmaxLeaves(obs, batch * d, S), batch, d, S);
      }
      return gaussianEvidenceFromZ(obs, batch, d, S, Math.sqrt(abar), Math.sqrt(1 - abar));
    }
    case "uniform":
      return uniformEvidence(obs, batch, d, S, noise.keep);
    case "mask":
      requireNumber("keep", noise.keep, 0, 1);
      return maskedEvidence(obs, batch, d, S);
    default:
      throw unknownKind(noise);
  }
}

/** Per-leaf argmax of `[rows, S]` scores (the first maximum on ties). */
export function argmaxLeaves(p: ArrayLike<number>, rows: number, S: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = p[r * S];
    for (let s = 1; s < S; s++) {
      const v = p[r * S + s];
      if (v > bv) {
        bv = v;
        best = s;
      }
    }
    out[r] = best;
  }
  return out;
}

function unknownKind(noise: Noise): InputError {
  return new InputError(
    "noise.kind",
    `${JSON.stringify((noise as { kind?: unknown }).kind)} is not one of exact, gaussian, vp, uniform, mask`,
  );
}

/** The observed symbols of every leaf, one `corrupt` call per leaf in order. */
function observeLeaves(
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  rng: Rng,
  corrupt: (s: number) => number,
): Int32Array {
  evidenceSize(batch, d, S);
  checkSymbols("x", x, batch, d, S);
  const obs = new Int32Array(batch * d);
  for (let i = 0; i < obs.length; i++) obs[i] = corrupt(x[i]);
  return obs;
}

/** Gaussian rows: each row's level from `level(row)` (called before that row's normals are drawn). */
function gaussianRows(
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  level: (row: number) => { alpha: number; sigma: number; abar: number },
  rng: Rng,
  options: NoisyEvidenceOptions,
): NoisyEvidence {
  const n = evidenceSize(batch, d, S);
  checkSymbols("x", x, batch, d, S);
  const e = new Float64Array(n);
  const z = options.keepZ ? new Float64Array(n) : null;
  const scratch = z || batch === 0 ? null : new Float64Array(d * S);
  const abar = new Float64Array(batch);
  const rowLen = d * S;
  for (let r = 0; r < batch; r++) {
    const { alpha, sigma, abar: a } = level(r);
    abar[r] = a;
    const zr = z ? z.subarray(r * rowLen, (r + 1) * rowLen) : scratch!;
    for (let i = 0; i < rowLen; i++) zr[i] = sigma * rng.normal();
    for (let i = 0; i < d; i++) zr[i * S + x[r * d + i]] += alpha;
    if (sigma > 0) {
      fillGaussianEvidence(zr, e, r * rowLen, alpha, sigma);
    } else {
      // Clean data (vp at abar = 1): (alpha / sigma^2) z has no limit; the evidence is exact.
      e.fill(-Infinity, r * rowLen, (r + 1) * rowLen);
      for (let i = 0; i < d; i++) e[r * rowLen + i * S + x[r * d + i]] = 0;
    }
  }
  return { evidence: { batch, d, S, e }, z, obs: null, abar };
}
