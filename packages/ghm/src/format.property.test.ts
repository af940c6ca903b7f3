/**
 * Property tests: random valid ghm/v1 documents round trip exactly, and every
 * random mutation of one field (wrong type, out of range, missing or unknown key,
 * extra or missing entry) is rejected with a GrammarError, never a crash.
 */
import fc from "fast-check";
import { GrammarError } from "./grammarError";
import { type GhmV1Json, type LevelJson, grammarToJson, parseGrammar } from "./format";
import type { KernelKind } from "./grammar";
import { Rng } from "./rng";

const KINDS: KernelKind[] = ["product", "rules", "dense"];

/** Positive weights normalised to sum to 1. */
function distribution(rng: Rng, n: number): number[] {
  const w = Array.from({ length: n }, () => 0.05 + rng.uniform());
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

function tuples(S: number, m: number): number[][] {
  let out: number[][] = [[]];
  for (let j = 0; j < m; j++) out = out.flatMap((t) => Array.from({ length: S }, (_, b) => [...t, b]));
  return out;
}

function level(kind: KernelKind, rng: Rng, sParent: number, sChild: number, m: number): LevelJson {
  const rows = Array.from({ length: sParent }, (_, a) => a);
  switch (kind) {
    case "product":
      return { kind, matrices: Array.from({ length: m }, () => rows.map(() => distribution(rng, sChild))) };
    case "rules":
      return {
        kind,
        rules: rows.map(() => {
          const chosen = rng.shuffle(tuples(sChild, m)).slice(0, 1 + rng.int(3));
          const ps = distribution(rng, chosen.length);
          return chosen.map((children, r) => ({ children, p: ps[r] }));
        }),
      };
    case "dense": {
      const T = sChild ** m;
      return {
        kind,
        tensor: rows.map(() => {
          const flat = distribution(rng, T);
          const nest = (offset: number, axes: number): unknown =>
            axes === 0
              ? flat[offset]
              : Array.from({ length: sChild }, (_, b) => nest(offset + b * sChild ** (axes - 1), axes - 1));
          return nest(0, m);
        }) as number[][],
      };
    }
  }
}

const docArb = fc
  .record({
    depth: fc.integer({ min: 1, max: 3 }),
    arity: fc.integer({ min: 2, max: 3 }),
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
    kinds: fc.array(fc.constantFrom(...KINDS), { minLength: 3, maxLength: 3 }),
    seed: fc.integer(),
  })
  .map(({ depth, arity, sizes, kinds, seed }): GhmV1Json => {
    const rng = new Rng(seed);
    const vocab = sizes.slice(0, depth + 1);
    return {
      format: "ghm/v1",
      depth,
      arity,
      vocab,
      root: distribution(rng, vocab[0]),
      levels: Array.from({ length: depth }, (_, i) => level(kinds[i], rng, vocab[i], vocab[i + 1], arity)),
    };
  });

type Json = unknown;
type Path = (string | number)[];

function allPaths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...allPaths(x, [...at, i])));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) out.push(...allPaths(x, [...at, k]));
  return out;
}

type Mutation = "string" | "null" | "negative" | "fraction" | "huge" | "deleteKey" | "addKey" | "append" | "dropLast";

/** Applies the mutation at path; returns the new document, or undefined when it does not apply to that node. */
function mutate(doc: Json, path: Path, how: Mutation): Json | undefined {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const parent = path.length === 0 ? undefined : (path.slice(0, -1).reduce((o: any, k) => o[k], copy) as any); // eslint-disable-line @typescript-eslint/no-explicit-any
  const key = path[path.length - 1];
  const node = parent === undefined ? copy : parent[key];
  const replace = (v: Json): Json => {
    if (parent === undefined) return v;
    parent[key] = v;
    return copy;
  };
  switch (how) {
    case "string":
      return replace("x");
    case "null":
      return replace(null);
    case "negative":
      return replace(-1);
    case "fraction":
      return replace(1.5);
    case "huge":
      return replace(2 ** 31);
    case "deleteKey":
      if (parent === undefined || Array.isArray(parent)) return undefined;
      delete parent[key];
      return copy;
    case "addKey":
      if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
      node.extra = 1;
      return copy;
    case "append":
      if (!Array.isArray(node) || node.length === 0) return undefined;
      node.push(JSON.parse(JSON.stringify(node[node.length - 1])));
      return copy;
    case "dropLast":
      if (!Array.isArray(node) || node.length === 0) return undefined;
      node.pop();
      return copy;
  }
}

describe("ghm/v1 properties", () => {
  it("random valid grammars round trip exactly (also through JSON text)", () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        expect(grammarToJson(parseGrammar(doc))).toEqual(doc);
        expect(JSON.stringify(grammarToJson(parseGrammar(JSON.parse(JSON.stringify(doc)))))).toBe(JSON.stringify(doc));
      }),
      { numRuns: 100 },
    );
  });

  it("random single-field mutations are rejected with a GrammarError naming a path", () => {
    const mutations: Mutation[] = [
      "string",
      "null",
      "negative",
      "fraction",
      "huge",
      "deleteKey",
      "addKey",
      "append",
      "dropLast",
    ];
    fc.assert(
      fc.property(docArb, fc.nat(), fc.constantFrom(...mutations), (doc, pick, how) => {
        const paths = allPaths(doc);
        const path = paths[pick % paths.length];
        const bad = mutate(doc, path, how);
        fc.pre(bad !== undefined);
        let caught: unknown;
        try {
          parseGrammar(bad);
        } catch (e) {
          caught = e;
        }
        if (!(caught instanceof GrammarError))
          throw new Error(
            `mutation ${how} at ${JSON.stringify(path)} gave ${String(caught)} instead of a GrammarError`,
          );
        expect(caught.message.length).toBeGreaterThan(caught.path.length + 2);
      }),
      { numRuns: 400 },
    );
  });
});
