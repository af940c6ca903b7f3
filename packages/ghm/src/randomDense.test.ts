import { randomDenseGrammar } from "./randomDense";
import { grammarToJson, validateGrammar } from "./format";
import type { DenseKernel } from "./grammar";

describe("randomDenseGrammar", () => {
  const base = { depth: 2, arity: 2, vocab: 3, classes: 2, seed: 3 };

  it("is valid and reproducible from its seed", () => {
    const g = randomDenseGrammar(base);
    validateGrammar(g);
    expect(g.vocab).toEqual([2, 3, 3]);
    expect((g.levels[0] as DenseKernel).tensor).toHaveLength(2 * 9);
    expect(grammarToJson(randomDenseGrammar(base))).toEqual(grammarToJson(g));
    expect(grammarToJson(randomDenseGrammar({ ...base, seed: 4 }))).not.toEqual(grammarToJson(g));
  });

  it("small concentrations stay valid (no 0/0 rows) and are sparse; large ones near uniform", () => {
    const sparse = randomDenseGrammar({ ...base, vocab: 4, concentration: 1e-3 });
    validateGrammar(sparse);
    const row = Array.from((sparse.levels[1] as DenseKernel).tensor.subarray(0, 16));
    expect(Math.max(...row)).toBeGreaterThan(0.9);
    const flat = randomDenseGrammar({ ...base, concentration: 1e4 });
    for (const v of (flat.levels[0] as DenseKernel).tensor) expect(Math.abs(v - 1 / 9)).toBeLessThan(0.02);
  });

  it("refuses bad options and oversized tables before allocating", () => {
    expect(() => randomDenseGrammar({ ...base, concentration: 0 })).toThrow(/concentration/);
    expect(() => randomDenseGrammar({ ...base, vocab: 64, arity: 6 })).toThrow(/dense kernel K_1.*limit of 134217728/);
  });
});
