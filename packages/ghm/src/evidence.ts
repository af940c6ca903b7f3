/**
 * Leaf evidence (SPEC.md section 2): for every leaf i a log-likelihood vector
 * `e_i(s) = log p(obs_i | x_i = s)`, defined up to a constant per leaf.
 * `-Infinity` marks an impossible symbol. BP consumes only this.
 */
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

/** `exact` evidence: 0 at the observed symbol, -Infinity elsewhere. */
export function exactEvidence(x: Int32Array, batch: number, d: number, S: number): Evidence {
  if (x.length !== batch * d) throw new RangeError(`x has ${x.length} entries, expected batch*d = ${batch * d}`);
  const e = new Float64Array(batch * d * S).fill(-Infinity);
  for (let i = 0; i < batch * d; i++) {
    const s = x[i];
    if (!(s >= 0 && s < S)) throw new RangeError(`x[${i}] = ${s} is outside the leaf vocabulary [0, ${S})`);
    e[i * S + s] = 0;
  }
  return { batch, d, S, e };
}
