import { exportRhmRules, importRhmRules } from "./rhmImport";
import { GrammarError } from "./grammarError";
import type { RulesKernel } from "./grammar";
import { randomRhm } from "./randomRhm";

// C = 2 classes, S = 3, k = 2 rules per symbol, m = 2, L = 2.
const tensors = (): number[][][][] => [
  [
    [
      [0, 1],
      [2, 2],
    ],
    [
      [1, 0],
      [0, 0],
    ],
  ],
  [
    [
      [0, 2],
      [1, 1],
    ],
    [
      [2, 0],
      [1, 2],
    ],
    [
      [2, 1],
      [0, 1],
    ],
  ],
];

function expectPath(json: unknown, path: string, fragment: string, options = {}): void {
  let caught: unknown;
  try {
    importRhmRules(json, options);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GrammarError);
  expect((caught as GrammarError).path).toBe(path);
  expect((caught as GrammarError).message).toContain(`${path === "" ? "<document>" : path}: `);
  expect((caught as GrammarError).message).toContain(fragment);
}

describe("importRhmRules", () => {
  it("builds a uniform-rule grammar with vocab [C, S, ..., S]", () => {
    const g = importRhmRules(tensors());
    expect(g.depth).toBe(2);
    expect(g.arity).toBe(2);
    expect(g.vocab).toEqual([2, 3, 3]);
    expect(Array.from(g.root)).toEqual([0.5, 0.5]);
    const k1 = g.levels[0] as RulesKernel;
    expect(k1.rules[1]).toEqual([
      { children: [1, 0], p: 0.5 },
      { children: [0, 0], p: 0.5 },
    ]);
  });

  it('accepts the {"rules": [...]} wrapping and an explicit S', () => {
    const g = importRhmRules({ rules: [tensors()[0]] }, { S: 5 });
    expect(g.vocab).toEqual([2, 5]);
  });

  it("round trips a random RHM through its rule tensors", () => {
    const g = randomRhm({ S: 5, classes: 3, k: 2, arity: 3, depth: 3, seed: 4 });
    const asTensors = exportRhmRules(g);
    expect(asTensors[1][4][1]).toEqual((g.levels[1] as RulesKernel).rules[4][1].children);
    expect(importRhmRules(JSON.parse(JSON.stringify(asTensors)))).toEqual(g);
    expect(exportRhmRules(importRhmRules(tensors()))).toEqual(tensors());
  });

  it("exportRhmRules refuses grammars the tensors cannot express", () => {
    const g = importRhmRules(tensors());
    expect(() => exportRhmRules({ ...g, root: Float64Array.from([0.3, 0.7]) })).toThrow(/root\[0\].*uniform/);
    const skewed = importRhmRules(tensors());
    (skewed.levels[1] as RulesKernel).rules[2][0].p = 0.25;
    expect(() => exportRhmRules(skewed)).toThrow(/levels\[1\]\.rules\[2\]\[0\]\.p/);
  });

  it("refuses malformed tensors, naming the entry", () => {
    expectPath("x", "", "array of levels");
    expectPath([], "", "at least one level");
    expectPath({ levels: [] }, "", '"rules"');
    const t1 = tensors();
    (t1[1][2][0] as unknown[])[1] = -1;
    expectPath(t1, "[1][2][0][1]", "symbol");
    const t2 = tensors();
    t2[1][1][1] = [1, 2, 0];
    expectPath({ rules: t2 }, "rules[1][1][1]", "m = 2");
    const t3 = tensors();
    t3[0][1].pop();
    expectPath(t3, "[0][1]", "k = 2");
    const t4 = tensors();
    t4[1][0][1] = [0, 2];
    expectPath(t4, "[1][0][1]", "duplicate tuple [0,2]");
    const t5 = tensors();
    t5[1].pop();
    expectPath(t5, "[1]", "S = 3");
    expectPath(tensors(), "[0][0][1][0]", "outside [0, S - 1] = [0, 1]", { S: 2 });
    const t6 = tensors();
    (t6[0][0][0] as unknown[])[0] = 0.5;
    expectPath(t6, "[0][0][0][0]", "integer");
  });
});
