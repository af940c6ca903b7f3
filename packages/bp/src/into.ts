/**
 * runBP's `into` option: the arrays of a previous result written over instead of fresh
 * ones, checked to be exactly the arrays this call writes.
 */
import { InputError } from "@ghmkit/ghm";
import type { CompiledGrammar } from "./compile";
import type { BPResult } from "./run";

const FIX = "pass the result of a call with the same grammar, batch and options (downward, messages)";

export function checkInto(
  cg: CompiledGrammar,
  into: BPResult,
  batch: number,
  downward: boolean,
  messages: boolean,
): BPResult {
  if (into.batch !== batch) throw new InputError("options.into", `has batch ${into.batch}, this call ${batch}`, FIX);
  const { vocab, nodes } = cg;
  const levels = (a: Float64Array[] | undefined, want: boolean, name: string): void => {
    if (!want) {
      if (a) throw new InputError(`options.into.${name}`, "is present, but this call does not write it", FIX);
      return;
    }
    if (!a || a.length !== vocab.length || a.some((x, l) => x.length !== batch * nodes[l] * vocab[l]))
      throw new InputError(`options.into.${name}`, "is missing or has other sizes", FIX);
  };
  levels(into.marginals, downward, "marginals");
  levels(into.up, messages, "up");
  levels(into.down, messages && downward, "down");
  if (into.logZ.length !== batch || into.impossible.length !== batch || into.root.length !== batch * vocab[0])
    throw new InputError("options.into", "has logZ, impossible or root of other sizes", FIX);
  return into;
}

/** Whether every array of r lives in shared memory (so that the worker pool can write it). */
export function isShared(r: BPResult): boolean {
  const arrays = [r.logZ, r.impossible, r.root, ...(r.marginals ?? []), ...(r.up ?? []), ...(r.down ?? [])];
  return arrays.every((a) => a.buffer instanceof SharedArrayBuffer);
}
