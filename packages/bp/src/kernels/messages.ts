/**
 * The form messages take inside a BP pass: per level, an exp-domain array v (each
 * node scaled so its largest entry is 1) and a log array ul that holds the exact log
 * of every entry whose v is below TINY (-Infinity for a true zero). Entries at or
 * above TINY carry full relative precision, so log(v) is exact enough there and ul
 * is left unwritten; the kernels' common paths therefore need no exp or log per
 * entry, and their exact fallbacks read logs through logAt.
 */
import { TINY } from "../logspace";

const { log } = Math;

export interface ExpMessages {
  v: Float64Array;
  ul: Float64Array;
}

/**
 * Store the normalised value y = x * inv (trusted, > 0) at i, with its log when it is
 * below TINY, keeping the invariant.
 */
export function storeScaled(m: ExpMessages, i: number, y: number): void {
  m.v[i] = y;
  if (y < TINY) m.ul[i] = log(y);
}

/** out[outOff + k] = exact log of entry off + k, for n entries (the log-domain messages). */
export function writeLogs(m: ExpMessages, off: number, n: number, out: Float64Array, outOff: number): void {
  const { v, ul } = m;
  for (let k = 0; k < n; k++) {
    const x = v[off + k];
    out[outOff + k] = x >= TINY ? log(x) : ul[off + k];
  }
}
