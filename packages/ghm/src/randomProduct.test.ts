import { randomProductGrammar } from "./randomProduct";
import { grammarToJson, validateGrammar } from "./format";
import type { ProductKernel } from "./grammar";

const base = { depth: 3, arity: 2, vocab: 4, classes: 3, seed: 7 };

describe("randomProductGrammar", () => {
  it("is valid, with vocab [C, S, ..., S] and a uniform root", () => {
    const g = randomProductGrammar(base);
    validateGrammar(g);
    expect(g.vocab).toEqual([3, 4, 4, 4]);
    expect(Array.from(g.root)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(g.levels.every((k) => k.kind === "product" && k.matrices.length === 2)).toBe(true);
  });

  it("same seed gives an identical grammar; another seed a different one", () => {
    expect(grammarToJson(randomProductGrammar(base))).toEqual(grammarToJson(randomProductGrammar(base)));
    expect(grammarToJson(randomProductGrammar({ ...base, seed: 8 }))).not.toEqual(
      grammarToJson(randomProductGrammar(base)),
    );
  });

  it("p = 0 gives 0/1 rows; S_{l-1} <= S_l injective, S_{l-1} > S_l balanced surjective", () => {
    const g = randomProductGrammar({ depth: 2, arity: 3, vocab: [5, 2], classes: 3, p: 0, seed: 1 });
    validateGrammar(g);
    const targets = (k: ProductKernel, j: number, sParent: number, sChild: number): number[] =>
      Array.from({ length: sParent }, (_, a) => {
        const row = Array.from(k.matrices[j].subarray(a * sChild, (a + 1) * sChild));
        expect(row.filter((v) => v === 1)).toHaveLength(1);
        expect(row.filter((v) => v === 0)).toHaveLength(sChild - 1);
        return row.indexOf(1);
      });
    for (let j = 0; j < 3; j++) {
      const up = targets(g.levels[0] as ProductKernel, j, 3, 5);
      expect(new Set(up).size).toBe(3); // injective
      const down = targets(g.levels[1] as ProductKernel, j, 5, 2);
      const hits = [0, 1].map((b) => down.filter((t) => t === b).length).sort();
      expect(hits).toEqual([2, 3]); // surjective, floor/ceil of 5/2
    }
  });

  it("mixing p puts at least 1 - p on the permuted entry of every row", () => {
    const p = 0.3;
    const g = randomProductGrammar({ ...base, p, scale: 2 });
    (g.levels as ProductKernel[]).forEach((k, i) => {
      for (const M of k.matrices)
        for (let a = 0; a < g.vocab[i]; a++)
          expect(Math.max(...M.subarray(a * 4, a * 4 + 4))).toBeGreaterThanOrEqual(1 - p);
    });
  });

  it("refuses bad options with the field's name", () => {
    expect(() => randomProductGrammar({ ...base, p: 1.2 })).toThrow(/p \(mixing\)/);
    expect(() => randomProductGrammar({ ...base, arity: 1 })).toThrow(/arity/);
    expect(() => randomProductGrammar({ ...base, vocab: [2, 2] })).toThrow(/vocab: must be/);
    expect(() => randomProductGrammar({ ...base, seed: NaN })).toThrow(/seed/);
    expect(() => randomProductGrammar({ ...base, vocab: 100000 })).toThrow(/limit of/);
  });
});
