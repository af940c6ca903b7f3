import { logLikelihood } from "@ghmkit/bp";
import { type Grammar, Rng, randomRhm, sample } from "@ghmkit/ghm";
import {
  empiricalDistance,
  enumerateSentences,
  expectedCopyProbability,
  sentenceEntropy,
  treeCount,
  treeEntropy,
  unambiguous,
} from "./exactDistribution";

/** depth 1, 2 classes, 2 leaf symbols. Class 0 -> (0,1) 0.5 | (1,1) 0.5; class 1 -> (0,1) 0.4 | (0,0) 0.6. */
function handGrammar(): Grammar {
  return {
    depth: 1,
    arity: 2,
    vocab: [2, 2],
    root: Float64Array.from([0.3, 0.7]),
    levels: [
      {
        kind: "rules",
        rules: [
          [
            { children: [0, 1], p: 0.5 },
            { children: [1, 1], p: 0.5 },
          ],
          [
            { children: [0, 1], p: 0.4 },
            { children: [0, 0], p: 0.6 },
          ],
        ],
      },
    ],
  };
}
// p(01) = 0.3*0.5 + 0.7*0.4 = 0.43, p(11) = 0.15, p(00) = 0.42.
const P_HAND: Record<string, number> = { "0,1": 0.43, "1,1": 0.15, "0,0": 0.42 };

const rows = (xs: number[][]): Int32Array => Int32Array.from(xs.flat());

describe("enumerateSentences", () => {
  it("sums the trees of an ambiguous sentence (hand computation)", () => {
    const s = enumerateSentences(handGrammar())!;
    expect(s.size).toBe(3);
    for (let i = 0; i < s.size; i++)
      expect(s.p[i]).toBeCloseTo(P_HAND[Array.from(s.x.subarray(2 * i, 2 * i + 2)).join(",")], 12);
    expect(unambiguous(handGrammar())).toBe(false);
    // H(tree) - H(x) = H(tree | x) > 0: the sentence 01 has two trees.
    const hx = -(0.43 * Math.log(0.43) + 0.15 * Math.log(0.15) + 0.42 * Math.log(0.42));
    expect(sentenceEntropy(handGrammar(), s).entropy).toBeCloseTo(hx, 12);
    const htree = -[0.15, 0.15, 0.28, 0.42].reduce((a, p) => a + p * Math.log(p), 0);
    expect(treeEntropy(handGrammar())).toBeCloseTo(htree, 12);
    expect(sentenceEntropy(handGrammar(), null)).toMatchObject({ exact: false });
  });

  it("matches BP's log p(x) on every sentence of the default RHM, whose 1024 sentences are equiprobable", () => {
    const g = randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 0 });
    expect(treeCount(g)).toBe(1024);
    const s = enumerateSentences(g)!;
    expect(s.size).toBe(1024);
    const lp = logLikelihood(g, s.x, s.size);
    for (let i = 0; i < s.size; i++) expect(lp[i]).toBeCloseTo(Math.log(s.p[i]), 10);
    expect(s.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(unambiguous(g)).toBe(true);
    // Unambiguous: the tree recursion is the sentence entropy, log 1024 here.
    expect(treeEntropy(g)).toBeCloseTo(Math.log(1024), 10);
    expect(sentenceEntropy(g, null)).toMatchObject({ exact: true, method: "tree recursion (unambiguous grammar)" });
    expect(sentenceEntropy(g, s).entropy).toBeCloseTo(Math.log(1024), 10);
    expect(enumerateSentences(g, 1000)).toBeNull();
  });
});

describe("empiricalDistance", () => {
  const g = handGrammar();
  const s = enumerateSentences(g)!;
  it("is 0 between p and itself", () => {
    // 100 samples in the exact proportions 43 / 15 / 42.
    const x = rows([...Array(43).fill([0, 1]), ...Array(15).fill([1, 1]), ...Array(42).fill([0, 0])]);
    const e = empiricalDistance(s, x, 100);
    expect(e.tv).toBeCloseTo(0, 12);
    expect(e.klValid).toBeCloseTo(0, 12);
    expect(e.invalid).toBe(0);
  });
  it("is 1 - p(x) to a point mass at x, with KL = -log p(x)", () => {
    const e = empiricalDistance(s, rows(Array(7).fill([1, 1])), 7);
    expect(e.tv).toBeCloseTo(1 - 0.15, 12);
    expect(e.klValid).toBeCloseTo(-Math.log(0.15), 12);
  });
  it("counts invalid samples fully in TV and leaves them out of KL", () => {
    // A grammar where 10 is not a sentence: half the samples are 10, half 00.
    const e = empiricalDistance(
      s,
      rows([
        [1, 0],
        [0, 0],
      ]),
      2,
    );
    expect(e.invalid).toBe(0.5);
    // 1/2 (0.5 [invalid] + |0.5 - 0.42| + 0.43 + 0.15)
    expect(e.tv).toBeCloseTo(0.5 * (0.5 + 0.08 + 0.43 + 0.15), 12);
    expect(e.klValid).toBeCloseTo(-Math.log(0.42), 12);
  });
  it("exact samples sit at the finite-sample floor, which shrinks with n", () => {
    const gr = randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 0 });
    const sup = enumerateSentences(gr)!;
    const tv = (n: number) => empiricalDistance(sup, sample(gr, n, new Rng(5)).x, n).tv;
    // n draws over 1024 equiprobable sentences: E[TV] ~ exp(-n/1024) + ... ; at n = 512 about 0.6, at 8192 about 0.16.
    expect(tv(512)).toBeGreaterThan(0.5);
    expect(tv(512)).toBeLessThan(0.7);
    expect(tv(8192)).toBeLessThan(0.22);
  });
});

describe("expectedCopyProbability", () => {
  it("sums p over the distinct training sentences (hand sum)", () => {
    expect(
      expectedCopyProbability(
        handGrammar(),
        rows([
          [0, 0],
          [0, 0],
          [0, 1],
        ]),
        3,
      ),
    ).toBeCloseTo(0.42 + 0.43, 12);
    expect(expectedCopyProbability(handGrammar(), rows([[1, 1]]), 1)).toBeCloseTo(0.15, 12);
  });
});
