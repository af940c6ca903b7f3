import { Rng, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { forwardBackwardOne, timeGrid } from "./forwardBackwardOne";

const rhm = randomRhm({ S: 6, classes: 4, k: 2, arity: 2, depth: 3, seed: 2 });
const tree = sample(rhm, 1, new Rng(4), { tree: true }).tree!;

describe("forwardBackwardOne", () => {
  const res = forwardBackwardOne(rhm, tree, { times: timeGrid(11), repeats: 200, seed: 1 });

  it("keeps every symbol without noise (the RHM is unambiguous) and forgets the class at full noise", () => {
    expect(res.rows[0].levelAgreement).toEqual([1, 1, 1, 1]);
    expect(res.trueClass).toBe(tree[0][0]);
    // At u = 1 the draws follow the prior: about 1/C keep the class.
    expect(res.rows[10].classAgreement).toBeGreaterThan(0.1);
    expect(res.rows[10].classAgreement).toBeLessThan(0.45);
    expect(res.flipU).not.toBeNull();
    const flip = res.rows.find((r) => r.u === res.flipU)!;
    expect(flip.majority).not.toBe(res.trueClass);
    res.rows.filter((r) => r.u < res.flipU!).forEach((r) => expect(r.majority).toBe(res.trueClass));
  });

  it("counts every draw once, and level 0 is the class agreement", () => {
    for (const r of res.rows) {
      expect(r.classCounts.reduce((a, b) => a + b, 0)).toBe(200);
      expect(r.levelAgreement[0]).toBe(r.classAgreement);
      expect(r.classAgreement).toBe(r.classCounts[res.trueClass] / 200);
    }
  });

  it("is a function of the seed", () => {
    const again = forwardBackwardOne(rhm, tree, { times: timeGrid(11), repeats: 200, seed: 1 });
    expect(again).toEqual(res);
  });

  it("works on product grammars", () => {
    const g = randomProductGrammar({ depth: 2, arity: 3, vocab: 4, classes: 3, seed: 0 });
    const t = sample(g, 1, new Rng(0), { tree: true }).tree!;
    const r = forwardBackwardOne(g, t, { times: [0, 0.5, 1], repeats: 50, seed: 0 });
    expect(r.rows).toHaveLength(3);
    expect(r.rows[0].levelAgreement[2]).toBe(1);
  });

  it("refuses bad options naming the field", () => {
    expect(() => timeGrid(1)).toThrow(/levels/);
    expect(() => forwardBackwardOne(rhm, tree, { times: [0, 2], repeats: 5, seed: 0 })).toThrow(/times\[1\]/);
    expect(() => forwardBackwardOne(rhm, tree, { times: [0], repeats: 0, seed: 0 })).toThrow(/repeats/);
    expect(() => forwardBackwardOne(rhm, tree.slice(0, 2), { times: [0], repeats: 5, seed: 0 })).toThrow(
      /tree must hold/,
    );
  });
});
