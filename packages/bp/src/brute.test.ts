import fc from "fast-check";
import { Rng } from "@ghmkit/ghm";
import { bruteForceBP } from "./brute";
import { runBP } from "./run";
import { type Kind, TINY_SHAPES, randomGrammar, randomLogits } from "./testing/random";

const TOL = 1e-10;

function close(a: number, b: number): boolean {
  if (a === -Infinity || b === -Infinity) return a === b;
  return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b));
}

/**
 * Both sides sum log-weights of magnitude ~ sum_i |e_i| before exponentiating, so
 * their marginals carry an absolute rounding error ~ eps * that sum; 1e-10 holds for
 * ordinary scales, the +1e-14 * sum term for the 1e6 ones.
 */
function marginalTolerance(e: Float64Array): number {
  let sum = 0;
  for (const x of e) if (x !== -Infinity) sum += Math.abs(x);
  return TOL + 1e-14 * sum;
}

const tinyCase = fc.record({
  kind: fc.constantFrom<Kind>("product", "rules", "dense"),
  shape: fc.constantFrom(...TINY_SHAPES),
  S: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
  zeroProb: fc.constantFrom(0, 0.3, 0.6),
  scale: fc.constantFrom(0.5, 3, 30, 400, 1e6),
  infProb: fc.constantFrom(0, 0.1, 0.4),
  batch: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe("runBP agrees with enumeration on random tiny models", () => {
  test("logZ, impossible flags and marginals at every level", () => {
    fc.assert(
      fc.property(tinyCase, (c) => {
        const vocab = [c.S[0], ...new Array<number>(c.shape.L).fill(0).map((_, l) => c.S[1 + (l % 2)])];
        const rng = new Rng(c.seed);
        const g = randomGrammar({ kind: c.kind, m: c.shape.m, vocab, zeroProb: c.zeroProb }, rng);
        const ev = randomLogits(g, c.batch, rng, c.scale, c.infProb);
        const bp = runBP(g, ev, { messages: true });
        const bf = bruteForceBP(g, ev);
        for (let b = 0; b < c.batch; b++) {
          if (!close(bp.logZ[b], bf.logZ[b])) return false;
          if (bp.impossible[b] !== (bf.logZ[b] === -Infinity ? 1 : 0)) return false;
        }
        const tol = marginalTolerance(ev.e);
        for (let l = 0; l <= g.depth; l++) {
          const got = bp.marginals![l];
          const want = bf.marginals[l];
          for (let i = 0; i < got.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol)) return false;
          for (const arr of [bp.up[l], bp.down![l]]) for (const x of arr) if (Number.isNaN(x)) return false;
        }
        return true;
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  test("marginals are distributions (zeros for impossible rows) and level 0 is the root posterior", () => {
    fc.assert(
      fc.property(tinyCase, (c) => {
        const vocab = [c.S[0], ...new Array<number>(c.shape.L).fill(c.S[1])];
        const rng = new Rng(c.seed);
        const g = randomGrammar({ kind: c.kind, m: c.shape.m, vocab, zeroProb: c.zeroProb }, rng);
        const bp = runBP(g, randomLogits(g, c.batch, rng, c.scale, c.infProb));
        for (let l = 0; l <= g.depth; l++) {
          const S = vocab[l];
          const marg = bp.marginals![l];
          for (let node = 0; node < marg.length / S; node++) {
            const row = Math.floor(node / c.shape.m ** l);
            let sum = 0;
            for (let s = 0; s < S; s++) {
              if (!(marg[node * S + s] >= 0)) return false;
              sum += marg[node * S + s];
            }
            if (Math.abs(sum - (bp.impossible[row] ? 0 : 1)) > 1e-12) return false;
          }
        }
        for (let i = 0; i < bp.root.length; i++) if (Math.abs(bp.root[i] - bp.marginals![0][i]) > 1e-12) return false;
        return true;
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe("bruteForceBP", () => {
  test("refuses models with too many trees", () => {
    const g = randomGrammar({ kind: "product", m: 2, vocab: [3, 3, 3, 3], zeroProb: 0 }, new Rng(1));
    expect(() => bruteForceBP(g, randomLogits(g, 1, new Rng(2), 1, 0))).toThrow(/trees/);
  });
});
