import { randomRhm } from "./randomRhm";
import { grammarToJson, validateGrammar } from "./format";
import type { RulesKernel } from "./grammar";
import { Rng } from "./rng";
import { sample } from "./sample";

describe("randomRhm", () => {
  const base = { S: 6, classes: 4, k: 3, arity: 2, depth: 3, seed: 11 };

  it("has vocab [C, S, ..., S], k rules of p = 1/k per symbol, and is valid", () => {
    const g = randomRhm(base);
    validateGrammar(g);
    expect(g.vocab).toEqual([4, 6, 6, 6]);
    g.levels.forEach((k, i) => {
      const rules = (k as RulesKernel).rules;
      expect(rules).toHaveLength(i === 0 ? 4 : 6);
      for (const rs of rules) {
        expect(rs).toHaveLength(3);
        for (const r of rs) expect(r.p).toBe(1 / 3);
      }
    });
  });

  it("is unambiguous: no tuple is produced by two symbols of a level", () => {
    for (const seed of [1, 2, 3]) {
      // S * k = S^m: every tuple of [S]^m is used exactly once
      const g = randomRhm({ S: 3, classes: 3, k: 3, arity: 2, depth: 2, seed });
      for (const k of g.levels as RulesKernel[]) {
        const tuples = k.rules.flatMap((rs) => rs.map((r) => r.children.join(",")));
        expect(new Set(tuples).size).toBe(tuples.length);
        expect(tuples.length).toBe(9);
      }
    }
  });

  it("same seed gives an identical grammar; another seed a different one", () => {
    expect(grammarToJson(randomRhm(base))).toEqual(grammarToJson(randomRhm(base)));
    expect(grammarToJson(randomRhm({ ...base, seed: 12 }))).not.toEqual(grammarToJson(randomRhm(base)));
  });

  it("draws tuples uniformly without replacement", () => {
    // Each of the 16 tuples of [4]^2 should be picked by a 2-rule, 2-class level with probability 4/16.
    const counts = new Map<string, number>();
    const runs = 2000;
    for (let seed = 0; seed < runs; seed++) {
      const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 1, seed });
      for (const rs of (g.levels[0] as RulesKernel).rules)
        for (const r of rs) counts.set(r.children.join(","), (counts.get(r.children.join(",")) ?? 0) + 1);
    }
    expect(counts.size).toBe(16);
    for (const c of counts.values()) expect(Math.abs(c / runs - 0.25)).toBeLessThan(0.05);
  });

  it("handles a tuple space far larger than memory (S^m = 1e12)", () => {
    const g = randomRhm({ S: 1000, classes: 2, k: 4, arity: 4, depth: 2, seed: 5 });
    validateGrammar(g);
  });

  it("refuses impossible parameters with the counts", () => {
    expect(() => randomRhm({ ...base, S: 2, classes: 5, k: 1, depth: 1 })).toThrow(
      /level 1 needs classes \* k = 5 \* 1 = 5 distinct tuples.*2\^2 = 4/,
    );
    expect(() => randomRhm({ ...base, S: 3, classes: 1, k: 4, depth: 2 })).toThrow(
      /levels 2..L need S \* k = 3 \* 4 = 12/,
    );
    expect(() => randomRhm({ ...base, S: 3, classes: 1, k: 4, depth: 1 })).not.toThrow();
    expect(() => randomRhm({ ...base, k: 0 })).toThrow(/k: must be an integer >= 1/);
    expect(() => randomRhm({ S: 2 ** 20, classes: 2, k: 64, arity: 2, depth: 3, seed: 1 })).toThrow(
      /above the limit of 134217728/,
    );
  });

  it("sampled sequences only use the grammar's rules, at every level", () => {
    const g = randomRhm(base);
    const batch = sample(g, 50, new Rng(1), { tree: true });
    const tree = batch.tree!;
    for (let l = 1; l <= g.depth; l++) {
      const rules = (g.levels[l - 1] as RulesKernel).rules;
      const allowed = rules.map((rs) => new Set(rs.map((r) => r.children.join(","))));
      const parents = tree[l - 1];
      for (let p = 0; p < parents.length; p++) {
        const tuple = Array.from(tree[l].subarray(p * 2, p * 2 + 2)).join(",");
        expect(allowed[parents[p]].has(tuple)).toBe(true);
      }
    }
  });
});
