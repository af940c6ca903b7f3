import fc from "fast-check";
import { type Grammar, Rng } from "@ghmkit/ghm";
import { enumerateTrees } from "./brute";
import { mapDecode } from "./map";
import { type Kind, TINY_SHAPES, randomGrammar, randomLogits } from "./testing/random";

/** log p(tree) + sum_i e_i(x_i), straight from the grammar. */
function treeWeight(g: Grammar, e: Float64Array, tree: Int32Array[]): number {
  const m = g.arity;
  let w = Math.log(g.root[tree[0][0]]);
  for (let l = 1; l <= g.depth; l++) {
    const k = g.levels[l - 1];
    const Sc = g.vocab[l];
    for (let i = 0; i < m ** (l - 1); i++) {
      const a = tree[l - 1][i];
      const ch = Array.from(tree[l].subarray(i * m, i * m + m));
      if (k.kind === "product") ch.forEach((b, j) => (w += Math.log(k.matrices[j][a * Sc + b])));
      else if (k.kind === "dense") w += Math.log(k.tensor[a * Sc ** m + ch.reduce((t, b) => t * Sc + b, 0)]);
      else
        w += Math.log(k.rules[a].filter((r) => r.children.every((b, j) => b === ch[j])).reduce((s, r) => s + r.p, 0));
    }
  }
  tree[g.depth].forEach((x, i) => (w += e[i * g.vocab[g.depth] + x]));
  return w;
}

describe("mapDecode", () => {
  test("finds a tree of the highest joint weight among all enumerated trees", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>("product", "rules", "dense"),
        fc.constantFrom(...TINY_SHAPES),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0.5, 5, 1e4),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (kind, shape, S, scale, seed) => {
          const vocab = [2, ...new Array<number>(shape.L).fill(S)];
          const rng = new Rng(seed);
          const g = randomGrammar({ kind, m: shape.m, vocab, zeroProb: 0.3 }, rng);
          const ev = randomLogits(g, 2, rng, scale, 0.1);
          const map = mapDecode(g, ev);
          for (let row = 0; row < 2; row++) {
            const trees = enumerateTrees(g, ev, row);
            const best = trees.reduce((mx, t) => Math.max(mx, t.weight), -Infinity);
            if (best === -Infinity) {
              if (map.logp[row] !== -Infinity || map.tree[0][row] !== -1) return false;
              continue;
            }
            const tol = 1e-9 * Math.max(1, Math.abs(best));
            if (Math.abs(map.logp[row] - best) > tol) return false;
            const mine = map.tree.map((lvl, l) => lvl.subarray(row * shape.m ** l, (row + 1) * shape.m ** l));
            const e = ev.e.subarray(row * ev.d * ev.S, (row + 1) * ev.d * ev.S);
            if (Math.abs(treeWeight(g, e, mine) - best) > tol) return false;
          }
          return true;
        },
      ),
      { numRuns: 200, seed: 99 },
    );
  });
});
