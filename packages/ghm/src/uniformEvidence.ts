/**
 * `uniform` (symmetric discrete) noise: each leaf keeps its symbol with
 * probability `keep`, otherwise it is replaced by a uniform draw from [S] (which
 * may be the same symbol). e_i(s) = log(keep [o_i = s] + (1 - keep) / S).
 * Drawing o from clean leaves is noisyEvidence's job (noisyEvidence.ts).
 */
import { requireNumber } from "./checks";
import { type Evidence, checkSymbols, evidenceSize } from "./evidence";

/** Evidence of the observation o under uniform noise with keep probability `keep`. */
export function uniformEvidence(obs: ArrayLike<number>, batch: number, d: number, S: number, keep: number): Evidence {
  requireNumber("keep", keep, 0, 1);
  const e = new Float64Array(evidenceSize(batch, d, S));
  checkSymbols("obs", obs, batch, d, S);
  const hit = Math.log(keep + (1 - keep) / S);
  const miss = Math.log((1 - keep) / S); // -Infinity when keep = 1: exact evidence
  for (let i = 0; i < batch * d; i++) {
    e.fill(miss, i * S, (i + 1) * S);
    e[i * S + obs[i]] = hit;
  }
  return { batch, d, S, e };
}
