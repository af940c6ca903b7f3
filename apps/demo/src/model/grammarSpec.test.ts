import fc from "fast-check";
import { leafCount } from "@ghmkit/ghm";
import { DEFAULT_SPEC, type GrammarSpec, LIMITS, buildGrammar, checkSpec, randomSpec } from "./grammarSpec";

describe("grammar specs", () => {
  it("builds the default RHM with the CLI's training shape", () => {
    const g = buildGrammar(DEFAULT_SPEC);
    expect(g.vocab).toEqual([8, 8, 8, 8]);
    expect(leafCount(g)).toBe(8);
    expect(g.levels.every((k) => k.kind === "rules")).toBe(true);
  });

  it("builds product grammars with one matrix per child position", () => {
    const g = buildGrammar({ ...DEFAULT_SPEC, kind: "product", arity: 3, depth: 2, S: 4, classes: 3 });
    expect(g.vocab).toEqual([3, 4, 4]);
    expect(g.levels.map((k) => (k.kind === "product" ? k.matrices.length : -1))).toEqual([3, 3]);
  });

  it.each<[Partial<GrammarSpec>, RegExp]>([
    [{ depth: 5 }, /depth/],
    [{ arity: 1 }, /arity/],
    [{ S: 9 }, /S must/],
    [{ classes: 1 }, /classes/],
    [{ arity: 4, depth: 3 }, /too many to draw/],
    [{ k: 9, S: 3 }, /k must|distinct rule tuples/],
    [{ seed: -1 }, /seed/],
    [{ kind: "product", p: 2 }, /p \(mixing\)/],
    [{ kind: "dense" as "rhm" }, /kind/],
  ])("refuses %j naming the field", (patch, msg) => {
    expect(() => checkSpec({ ...DEFAULT_SPEC, ...patch })).toThrow(msg);
  });

  it("randomSpec is a function of its seed and always drawable", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const a = randomSpec(seed);
        expect(randomSpec(seed)).toEqual(a);
        const g = buildGrammar(a);
        expect(leafCount(g)).toBeLessThanOrEqual(LIMITS.maxLeaves);
        expect(Math.max(...g.vocab)).toBeLessThanOrEqual(LIMITS.maxS);
      }),
      { numRuns: 60 },
    );
  });
});
