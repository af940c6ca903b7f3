import { Rng, exactEvidence, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { bruteForceBP } from "./brute";
import { logLikelihood, validityPerLevel } from "./likelihood";
import { runBP } from "./run";
import { type Kind, randomGrammar } from "./testing/random";

describe("logLikelihood and validityPerLevel", () => {
  test.each<Kind>(["product", "rules", "dense"])(
    "sampled data (%s) is valid and log p(x) matches BP and enumeration",
    (kind) => {
      const g = randomGrammar({ kind, m: 2, vocab: [2, 3, 3], zeroProb: 0.4 }, new Rng(21));
      const data = sample(g, 200, new Rng(22));
      const ll = logLikelihood(g, data.x, data.n);
      const ev = exactEvidence(data.x, data.n, data.d, 3);
      const bp = runBP(g, ev);
      const bf = bruteForceBP(g, ev);
      for (let i = 0; i < data.n; i++) {
        expect(ll[i]).toBeGreaterThan(-Infinity);
        expect(ll[i]).toBe(bp.logZ[i]);
        expect(Math.abs(ll[i] - bf.logZ[i])).toBeLessThan(1e-10);
      }
      expect(validityPerLevel(g, data.x, data.n)).toEqual([1, 1, 1]);
    },
  );

  test("larger sampled data: RHM and product grammars, every sequence valid", () => {
    for (const g of [
      randomRhm({ S: 8, classes: 4, k: 3, arity: 2, depth: 4, seed: 5 }),
      randomProductGrammar({ depth: 5, arity: 2, vocab: 6, seed: 6 }),
    ]) {
      const data = sample(g, 300, new Rng(7));
      const ll = logLikelihood(g, data.x, data.n);
      for (const v of ll) expect(Number.isFinite(v)).toBe(true);
      expect(validityPerLevel(g, data.x, data.n)).toEqual(new Array(g.depth + 1).fill(1));
    }
  });

  test("corrupted RHM sequences: validity per level agrees with log p(x) = -Infinity", () => {
    const g = randomRhm({ S: 8, classes: 2, k: 2, arity: 2, depth: 3, seed: 8 });
    const data = sample(g, 400, new Rng(9));
    const rng = new Rng(10);
    const x = data.x.slice();
    for (let r = 0; r < data.n; r += 2) x[r * data.d + rng.int(data.d)] = rng.int(8);
    const ll = logLikelihood(g, x, data.n);
    let validRows = 0;
    for (let r = 0; r < data.n; r++) {
      const one = validityPerLevel(g, x.subarray(r * data.d, (r + 1) * data.d), 1);
      expect(one[0] === 1).toBe(ll[r] > -Infinity);
      if (ll[r] > -Infinity) validRows++;
      if (r % 2 === 1) expect(one).toEqual([1, 1, 1, 1]);
    }
    const v = validityPerLevel(g, x, data.n);
    expect(v[0]).toBeCloseTo(validRows / data.n, 12);
    expect(v[0]).toBeLessThan(1);
    expect(v[3]).toBe(1);
    // A node that fails makes its parent fail, so validity cannot rise towards the root.
    for (let l = 0; l < 3; l++) expect(v[l]).toBeLessThanOrEqual(v[l + 1]);
  });

  test("bad input names the field", () => {
    const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 1 });
    expect(() => logLikelihood(g, new Int32Array(3), 1)).toThrow(/x has 3 entries/);
    expect(() => validityPerLevel(g, new Int32Array(0), 0)).toThrow(/n is 0/);
  });
});
