/**
 * Test-only reader of the reference vectors' ghm/v1 grammars and evidence (nested
 * arrays, null = -Infinity). Kept local so the tests do not depend on the ghm
 * package's parser landing first.
 */
import { Evidence, Grammar, Kernel, exactEvidence } from "@ghmkit/ghm";

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

interface JsonKernel {
  kind: "product" | "rules" | "dense";
  matrices?: number[][][];
  rules?: { children: number[]; p: number }[][];
  tensor?: Nested;
}

export interface JsonGrammar {
  depth: number;
  arity: number;
  vocab: number[];
  root?: number[];
  levels: JsonKernel[];
}

export function grammarFromJson(j: JsonGrammar): Grammar {
  const levels: Kernel[] = j.levels.map((k) => {
    if (k.kind === "product") return { kind: "product", matrices: k.matrices!.map((M) => flat(M)) };
    if (k.kind === "rules") return { kind: "rules", rules: k.rules! };
    return { kind: "dense", tensor: flat(k.tensor!) };
  });
  const root = j.root ? Float64Array.from(j.root) : new Float64Array(j.vocab[0]).fill(1 / j.vocab[0]);
  return { depth: j.depth, arity: j.arity, vocab: j.vocab, root, levels };
}

export type JsonEvidence = { kind: "logits"; h: Nested[][] } | { kind: "exact"; x: number[][] };

export function evidenceFromJson(j: JsonEvidence, g: Grammar): Evidence {
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  if (j.kind === "exact") return exactEvidence(Int32Array.from(j.x.flat()), j.x.length, d, S);
  return { batch: j.h.length, d, S, e: flat(j.h) };
}
