/** Input checks shared by the entry points: evidence shape and values, memory limits. */
import { InputError } from "@ghmkit/ghm";
import type { Evidence } from "@ghmkit/ghm";
import type { CompiledGrammar } from "./compile";

/** Upper bound on the memory one call may allocate for messages; split larger batches. */
export const MAX_BP_BYTES = 4 * 2 ** 30;

/**
 * Largest |e| accepted for a model with d leaves: 2^1020 / d. log p(evidence) and
 * every message are sums of at most d leaf terms and of in-leaf differences, so
 * with this bound none can overflow to +-Infinity (which would turn into NaN, or
 * flag a possible row as impossible).
 */
export function maxEvidenceMagnitude(d: number): number {
  return 2 ** 1020 / d;
}

export function checkEvidence(g: CompiledGrammar, ev: Evidence): void {
  const d = g.nodes[g.L];
  const S = g.vocab[g.L];
  if (!Number.isInteger(ev.batch) || ev.batch < 0)
    throw new InputError("evidence.batch", `is ${ev.batch}`, "use a non-negative integer");
  if (ev.d !== d) throw new InputError("evidence.d", `is ${ev.d}; the grammar has d = m^L = ${d} leaves`);
  if (ev.S !== S) throw new InputError("evidence.S", `is ${ev.S}; the grammar's leaf vocabulary is S_L = ${S}`);
  if (!(ev.e instanceof Float64Array) || ev.e.length !== ev.batch * d * S)
    throw new InputError(
      "evidence.e",
      `has ${ev.e?.length} entries; expected a Float64Array of batch*d*S = ${ev.batch * d * S}`,
    );
  const e = ev.e;
  const limit = maxEvidenceMagnitude(d);
  for (let i = 0; i < e.length; i++) {
    const x = e[i];
    // One test for the common case (NaN fails it); the reason is told apart below.
    if (x <= limit && (x >= -limit || x === -Infinity)) continue;
    // NaN and +Infinity fail this test; -Infinity (impossible symbol) passes.
    if (!(x < Infinity)) {
      throw new InputError(
        `evidence.e[${i}]`,
        `is ${x}; log-likelihoods must be finite or -Infinity`,
        "fix the noise model that produced it",
      );
    }
    if (x > limit || (x < -limit && x !== -Infinity)) {
      throw new InputError(
        `evidence.e[${i}]`,
        `is ${x}; |log-likelihoods| above 2^1020 / d = ${limit.toExponential(3)} could overflow log p(evidence) over d = ${d} leaves`,
        "subtract each leaf's max, as evidence is defined up to a constant per leaf, and use -Infinity for impossible symbols",
      );
    }
  }
}

export function checkBytes(what: string, bytes: number, batch: number, limit = MAX_BP_BYTES): void {
  if (bytes > limit) {
    const perRow = bytes / Math.max(batch, 1);
    const fit = Math.max(1, Math.floor(limit / perRow));
    throw new InputError(
      "batch",
      `${what} needs ${(bytes / 2 ** 30).toFixed(3)} GiB of messages for batch ${batch} (limit ${(limit / 2 ** 30).toFixed(3)} GiB)`,
      `split the batch into chunks of at most ${fit} sequences`,
    );
  }
}
