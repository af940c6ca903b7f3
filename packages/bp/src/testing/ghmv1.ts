/**
 * Test-only reader of the reference vectors' evidence (nested arrays, null =
 * -Infinity); their grammars go through ghm's parseGrammar.
 */
import { type Evidence, type Grammar, exactEvidence } from "@ghmkit/ghm";

type Nested = number | null | Nested[];

function flat(x: Nested): Float64Array {
  const out: number[] = [];
  const walk = (v: Nested): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v === null ? -Infinity : v);
  };
  walk(x);
  return Float64Array.from(out);
}

export type JsonEvidence = { kind: "logits"; h: Nested[][] } | { kind: "exact"; x: number[][] };

export function evidenceFromJson(j: JsonEvidence, g: Grammar): Evidence {
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  if (j.kind === "exact") return exactEvidence(Int32Array.from(j.x.flat()), j.x.length, d, S);
  return { batch: j.h.length, d, S, e: flat(j.h) };
}
