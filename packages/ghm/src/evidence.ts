/**
 * Leaf evidence (SPEC.md section 2): for every leaf i a log-likelihood vector
 * `e_i(s) = log p(obs_i | x_i = s)`, defined up to a constant per leaf.
 * `-Infinity` marks an impossible symbol; NaN and +Infinity never appear.
 * BP consumes only this. Evidence of an observation: here, gaussianEvidence.ts,
 * uniformEvidence.ts; drawing a noisy observation of clean leaves: noisyEvidence.ts.
 */
import { InputError } from "./inputError";
import { requireInt } from "./checks";

export interface Evidence {
  /** Number of sequences. */
  batch: number;
  /** Leaves per sequence, d = m^L. */
  d: number;
  /** Leaf vocabulary size S_L. */
  S: number;
  /** Row-major `[batch, d, S]` log-likelihoods. */
  e: Float64Array;
}

/** Validates batch, d, S and returns batch*d*S, refusing sizes that cannot be allocated. */
export function evidenceSize(batch: number, d: number, S: number): number {
  requireInt("batch", batch, 0);
  requireInt("d", d, 1);
  requireInt("S", S, 1);
  const n = batch * d * S;
  if (n > 2 ** 30)
    throw new InputError(
      "batch",
      `evidence of batch * d * S = ${batch} * ${d} * ${S} = ${n} entries exceeds 2^30 (8 GiB)`,
      "use a smaller batch",
    );
  return n;
}

/** Checks x (length batch*d) holds symbols in [0, S), or also -1 when `allowMasked`. */
export function checkSymbols(
  name: string,
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  allowMasked = false,
): void {
  if (x.length !== batch * d)
    throw new InputError(name, `has ${x.length} entries, expected batch * d = ${batch} * ${d} = ${batch * d}`);
  for (let i = 0; i < x.length; i++) {
    const s = x[i];
    if (!(Number.isInteger(s) && s < S && (s >= 0 || (allowMasked && s === -1)))) {
      throw new InputError(
        `${name}[${i}]`,
        `${s} is outside the leaf vocabulary [0, ${S - 1}]${allowMasked ? " (or -1 for masked)" : ""}`,
      );
    }
  }
}

/** `exact` evidence: 0 at the observed symbol, -Infinity elsewhere. */
export function exactEvidence(x: ArrayLike<number>, batch: number, d: number, S: number): Evidence {
  return maskedOrExact("x", x, batch, d, S, false);
}

/** `masked` evidence: x[i] = -1 marks a masked leaf (e = 0, no information); other leaves are exact. */
export function maskedEvidence(x: ArrayLike<number>, batch: number, d: number, S: number): Evidence {
  return maskedOrExact("x", x, batch, d, S, true);
}

function maskedOrExact(
  name: string,
  x: ArrayLike<number>,
  batch: number,
  d: number,
  S: number,
  allowMasked: boolean,
): Evidence {
  const e = new Float64Array(evidenceSize(batch, d, S));
  checkSymbols(name, x, batch, d, S, allowMasked);
  for (let i = 0; i < batch * d; i++) {
    const s = x[i];
    if (s === -1) continue;
    e.fill(-Infinity, i * S, (i + 1) * S);
    e[i * S + s] = 0;
  }
  return { batch, d, S, e };
}

/** `logits` evidence: e given directly (copied). NaN and +Infinity are refused; -Infinity marks an impossible symbol. */
export function logitsEvidence(h: ArrayLike<number>, batch: number, d: number, S: number): Evidence {
  const n = evidenceSize(batch, d, S);
  if (h.length !== n)
    throw new InputError("h", `has ${h.length} entries, expected batch * d * S = ${batch} * ${d} * ${S} = ${n}`);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = h[i];
    if (typeof v !== "number" || Number.isNaN(v) || v === Infinity) {
      throw new InputError(
        `h[${i}]`,
        `(batch ${Math.floor(i / (d * S))}, leaf ${Math.floor(i / S) % d}, symbol ${i % S}) is ${String(v)}: expected a finite log-likelihood or -Infinity`,
      );
    }
    e[i] = v;
  }
  return { batch, d, S, e };
}
