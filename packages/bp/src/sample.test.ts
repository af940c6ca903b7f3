import { type Evidence, Rng } from "@ghmkit/ghm";
import { enumerateTrees } from "./brute";
import { runBP } from "./run";
import { posteriorSample } from "./sample";
import { type Kind, randomGrammar, randomLogits } from "./testing/random";

/** The same evidence row repeated n times, so one call draws n samples of one posterior. */
function repeat(ev: Evidence, n: number): Evidence {
  const row = ev.d * ev.S;
  const e = new Float64Array(n * row);
  for (let i = 0; i < n; i++) e.set(ev.e.subarray(0, row), i * row);
  return { batch: n, d: ev.d, S: ev.S, e };
}

describe("posteriorSample", () => {
  const N = 8000;
  test.each<[Kind, number, number[]]>([
    ["product", 2, [2, 3, 3]],
    ["rules", 2, [2, 3, 3]],
    ["dense", 3, [2, 2]],
  ])("%s kernels: node frequencies match the BP marginals", (kind, m, vocab) => {
    const rng = new Rng(11);
    const g = randomGrammar({ kind, m, vocab, zeroProb: 0.3 }, rng);
    const ev = repeat(randomLogits(g, 1, rng, 1, 0.1), N);
    const bp = runBP(g, ev);
    expect(bp.impossible[0]).toBe(0);
    const tree = posteriorSample(g, ev, new Rng(5), bp);
    const valid = new Set(enumerateTrees(g, ev, 0).map((t) => t.tree.map((x) => Array.from(x).join(",")).join("|")));
    for (let row = 0; row < 50; row++) {
      const key = tree.map((lvl, l) => Array.from(lvl.subarray(row * m ** l, (row + 1) * m ** l)).join(",")).join("|");
      expect(valid.has(key)).toBe(true);
    }
    for (let l = 0; l <= g.depth; l++) {
      const n = m ** l;
      const S = vocab[l];
      for (let i = 0; i < n; i++) {
        const counts = new Array<number>(S).fill(0);
        for (let row = 0; row < N; row++) counts[tree[l][row * n + i]]++;
        for (let s = 0; s < S; s++) {
          const p = bp.marginals![l][i * S + s];
          // 5 standard deviations of a binomial frequency.
          expect(Math.abs(counts[s] / N - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / N) + 1e-9);
        }
      }
    }
  });

  test("impossible rows are filled with -1", () => {
    const rng = new Rng(3);
    const g = randomGrammar({ kind: "product", m: 2, vocab: [2, 2], zeroProb: 0 }, rng);
    const ev = randomLogits(g, 2, rng, 1, 0);
    ev.e.fill(-Infinity, 0, 2); // row 0, leaf 0: no symbol possible
    const tree = posteriorSample(g, ev, new Rng(4));
    expect(Array.from(tree[1].subarray(0, 2))).toEqual([-1, -1]);
    expect(tree[0][0]).toBe(-1);
    expect(tree[0][1]).toBeGreaterThanOrEqual(0);
  });

  test("refuses a result from other evidence", () => {
    const rng = new Rng(3);
    const g = randomGrammar({ kind: "rules", m: 2, vocab: [2, 2], zeroProb: 0 }, rng);
    const r = runBP(g, randomLogits(g, 2, rng, 1, 0));
    expect(() => posteriorSample(g, randomLogits(g, 3, rng, 1, 0), new Rng(1), r)).toThrow(/result/);
  });
});
