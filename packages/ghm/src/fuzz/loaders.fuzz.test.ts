/**
 * Fuzzing the ghm/v1 and RHM loaders with hostile JSON: arbitrary values, valid
 * documents with several fields at once replaced by extremes (NaN, Infinity, -0,
 * denormals, 2^53, huge sizes, wrong types, prototype keys). Every input either
 * parses into a grammar that validates and holds no NaN, or is refused with a
 * GrammarError (or an InputError for an option) whose message names a path: no other
 * exception, no hang. GHM_FUZZ_RUNS=100000 for the nightly size.
 */
import fc from "fast-check";
import type { Grammar } from "../grammar";
import { GrammarError } from "../grammarError";
import { InputError } from "../inputError";
import { type GhmV1Json, parseGrammar, validateGrammar } from "../format";
import { importRhmRules } from "../rhmImport";
import { randomDenseGrammar } from "../randomDense";
import { randomProductGrammar } from "../randomProduct";
import { randomRhm } from "../randomRhm";
import { exportRhmRules } from "../rhmImport";
import { grammarToJson } from "../format";
import { fuzzRuns, fuzzTimeout } from "@ghmkit/testkit";

type Json = unknown;

const EXTREMES: Json[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  5e-324,
  1 - 1e-16,
  1 + 1e-16,
  2 ** 53,
  2 ** 31 - 1,
  2 ** 31,
  -1,
  0,
  1,
  1.5,
  1e308,
  "1",
  true,
  null,
  [],
  {},
  [0.5, 0.5],
  { __proto__: { p: 1 } },
  { constructor: 1 },
];

/** A small valid document of any kernel kind (drawn by the real generators). */
const validDoc = fc
  .record({
    kind: fc.constantFrom("product", "rules", "dense"),
    depth: fc.integer({ min: 1, max: 3 }),
    arity: fc.integer({ min: 2, max: 3 }),
    S: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
  })
  .map(({ kind, depth, arity, S, seed }): GhmV1Json => {
    if (kind === "product") return grammarToJson(randomProductGrammar({ depth, arity, vocab: S, seed }));
    if (kind === "dense")
      return grammarToJson(randomDenseGrammar({ depth: Math.min(depth, 2), arity: 2, vocab: S, seed }));
    return grammarToJson(randomRhm({ S: 3, classes: 2, k: 2, arity, depth, seed }));
  });

function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** Replace the nodes at some paths with extremes (deep copy; NaN and Infinity survive, unlike JSON). */
function corrupt(doc: Json, picks: [number, number][]): Json {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  for (const [p, v] of picks) {
    const path = all[p % all.length];
    const parent = path
      .slice(0, -1)
      .reduce<any>((o, k) => (o === null || typeof o !== "object" ? undefined : o[k]), copy); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (parent !== null && typeof parent === "object")
      parent[path[path.length - 1]] = structuredClone(EXTREMES[v % EXTREMES.length]);
  }
  return copy;
}

function noNaN(g: Grammar): boolean {
  const arrays: ArrayLike<number>[] = [g.root];
  for (const k of g.levels) {
    if (k.kind === "product") arrays.push(...k.matrices);
    else if (k.kind === "dense") arrays.push(k.tensor);
    else k.rules.forEach((rs) => rs.forEach((r) => arrays.push([r.p, ...r.children])));
  }
  return arrays.every((a) => Array.prototype.every.call(a, (x: number) => Number.isFinite(x)));
}

/** Runs a loader: a valid grammar, or a GrammarError/InputError that names where; anything else fails. */
function loadOrRefuse(load: () => Grammar): void {
  let g: Grammar;
  try {
    g = load();
  } catch (e) {
    if (e instanceof GrammarError) {
      expect(e.message).toMatch(/^(<document>|[\w[\]."]+): \S/);
      return;
    }
    if (e instanceof InputError && /^options\.\w+/.test(e.field)) return;
    throw new Error(`not a validation error: ${String(e)}`);
  }
  expect(noNaN(g)).toBe(true);
  expect(() => validateGrammar(g)).not.toThrow();
}

const picks = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 });

describe("loaders under hostile JSON", () => {
  test(
    "parseGrammar: arbitrary values",
    () =>
      fc.assert(
        fc.property(
          fc.anything({
            withNullPrototype: true,
            withBigInt: true,
            withDate: true,
            withTypedArray: true,
            withSparseArray: true,
          }),
          (v) => loadOrRefuse(() => parseGrammar(v)),
        ),
        { numRuns: fuzzRuns(1000) },
      ),
    fuzzTimeout(),
  );

  test(
    "parseGrammar: valid documents with 1-3 fields replaced by extremes",
    () =>
      fc.assert(
        fc.property(validDoc, picks, (doc, p) => loadOrRefuse(() => parseGrammar(corrupt(doc, p)))),
        { numRuns: fuzzRuns(1000) },
      ),
    fuzzTimeout(),
  );

  test(
    "parseGrammar: headers asking for huge tables are refused from the header, fast",
    () =>
      fc.assert(
        fc.property(
          fc.constantFrom("product", "dense"),
          fc.integer({ min: 2, max: 2 ** 31 - 1 }),
          fc.integer({ min: 2, max: 64 }),
          (kind, S, m) => {
            const doc = {
              format: "ghm/v1",
              depth: 1,
              arity: m,
              vocab: [S, S],
              root: [1],
              levels: [{ kind, matrices: [], tensor: [] }],
            };
            const t0 = Date.now();
            loadOrRefuse(() => parseGrammar(doc));
            expect(Date.now() - t0).toBeLessThan(1000);
          },
        ),
        { numRuns: fuzzRuns(200) },
      ),
    fuzzTimeout(),
  );

  test(
    "importRhmRules: arbitrary values and corrupted rule tensors, with or without options.S",
    () => {
      const tensors = fc
        .record({ S: fc.integer({ min: 2, max: 4 }), depth: fc.integer({ min: 1, max: 3 }), seed: fc.integer() })
        .map(({ S, depth, seed }) => exportRhmRules(randomRhm({ S, classes: 2, k: 2, arity: 2, depth, seed })));
      const option = fc.option(fc.constantFrom<unknown>(1, 2, 3, 4, 8, 0, -1, 1.5, NaN, 2 ** 31), { nil: undefined });
      fc.assert(
        fc.property(
          fc.oneof(
            fc.anything(),
            tensors.chain((t) => picks.map((p) => corrupt(t, p))),
            tensors.map((t) => ({ rules: t })),
          ),
          option,
          (v, S) => loadOrRefuse(() => importRhmRules(v, S === undefined ? {} : { S: S as number })),
        ),
        { numRuns: fuzzRuns(1000) },
      );
    },
    fuzzTimeout(),
  );
});
