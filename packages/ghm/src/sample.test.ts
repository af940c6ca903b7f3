import { sample } from "./sample";
import { parseGrammar } from "./format";
import { Rng } from "./rng";
import { denseDoc, productDoc, rulesDoc } from "./testing/fixtures";

/** Binomial tolerance: 5 standard deviations of a frequency over n draws. */
const tol = (p: number, n: number) => 5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;

describe("sample", () => {
  it("shapes: x [n, d], y [n], tree[l] [n, m^l], with x = tree[L] and y = tree[0]", () => {
    const g = parseGrammar(productDoc());
    const b = sample(g, 5, new Rng(1), { tree: true });
    expect(b.d).toBe(4);
    expect(b.x).toHaveLength(20);
    expect(b.y).toHaveLength(5);
    expect(b.tree!.map((t) => t.length)).toEqual([5, 10, 20]);
    expect(b.tree![2]).toBe(b.x);
    expect(b.tree![0]).toBe(b.y);
    expect(sample(g, 5, new Rng(1)).tree).toBeUndefined();
  });

  it("is reproducible from the Rng seed", () => {
    const g = parseGrammar(rulesDoc());
    expect(Array.from(sample(g, 20, new Rng(4)).x)).toEqual(Array.from(sample(g, 20, new Rng(4)).x));
  });

  it("product: root and per-position child frequencies match pi and M_{l,j}", () => {
    const doc = productDoc();
    const g = parseGrammar(doc);
    const n = 20000;
    const { tree } = sample(g, n, new Rng(2), { tree: true });
    const [roots, level1] = tree!;
    const rootFreq = roots.filter((a) => a === 1).length / n;
    expect(Math.abs(rootFreq - 0.75)).toBeLessThan(tol(0.75, n));
    const M = (doc.levels[0] as { matrices: number[][][] }).matrices;
    for (const a of [0, 1]) {
      const parents = Array.from({ length: n }, (_, i) => i).filter((i) => roots[i] === a);
      for (let j = 0; j < 2; j++)
        for (let b = 0; b < 3; b++) {
          const f = parents.filter((i) => level1[i * 2 + j] === b).length / parents.length;
          expect(Math.abs(f - M[j][a][b])).toBeLessThan(tol(M[j][a][b], parents.length));
        }
    }
  });

  it("rules: child tuples follow the rule probabilities", () => {
    const g = parseGrammar(rulesDoc());
    const n = 20000;
    const { tree } = sample(g, n, new Rng(3), { tree: true });
    const [roots, level1] = tree!;
    const zeros = Array.from({ length: n }, (_, i) => i).filter((i) => roots[i] === 0);
    const f22 = zeros.filter((i) => level1[2 * i] === 2 && level1[2 * i + 1] === 2).length / zeros.length;
    expect(Math.abs(f22 - 0.75)).toBeLessThan(tol(0.75, zeros.length));
    for (let i = 0; i < n; i++) if (roots[i] === 1) expect([level1[2 * i], level1[2 * i + 1]]).toEqual([1, 0]);
  });

  it("dense: the joint child tuple follows the tensor (zero entries never drawn)", () => {
    const g = parseGrammar(denseDoc());
    const n = 20000;
    const { x } = sample(g, n, new Rng(5));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[x[2 * i] * 2 + x[2 * i + 1]]++;
    [0.1, 0.2, 0.3, 0.4].forEach((p, t) => expect(Math.abs(counts[t] / n - p)).toBeLessThan(tol(p, n)));
  });

  it("refuses bad n and sizes that cannot fit", () => {
    const g = parseGrammar(productDoc());
    expect(() => sample(g, -1, new Rng(1))).toThrow(/n: must be/);
    expect(() =>
      sample(
        { ...g, depth: 40, levels: new Array(40).fill(g.levels[1]), vocab: [2, ...new Array(40).fill(2)] },
        1,
        new Rng(1),
      ),
    ).toThrow(/exceeds/);
  });
});
