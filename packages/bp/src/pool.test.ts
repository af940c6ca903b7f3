import { randomDenseGrammar, randomProductGrammar, randomRhm, sampleNoisy } from "@ghmkit/ghm";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { availableThreads } from "./pool";
import { type BPResult, runBP } from "./run";

function evidence(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  const ev = sampleNoisy(g, batch, { kind: "gaussian", alpha: 1, sigma }, { data: seed, noise: seed + 1 }).evidence;
  // One impossible row (a leaf with every symbol ruled out) and one hard-evidence row.
  const n = ev.d * ev.S;
  ev.e.fill(-Infinity, 0, g.vocab[g.depth]);
  for (let i = n; i < 2 * n; i++) ev.e[i] *= 1e3;
  return ev;
}

/** Same bits: Object.is per entry (so -0, NaN and -Infinity count too). */
function expectSameBits(a: BPResult, b: BPResult): void {
  const pairs: [ArrayLike<number>, ArrayLike<number>][] = [
    [a.logZ, b.logZ],
    [a.impossible, b.impossible],
    [a.root, b.root],
  ];
  for (const k of ["up", "down", "marginals"] as const) {
    expect(a[k]?.length).toBe(b[k]?.length);
    a[k]?.forEach((x, l) => pairs.push([x, b[k]![l]]));
  }
  for (const [x, y] of pairs) {
    expect(x.length).toBe(y.length);
    let diff = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) diff++;
    expect(diff).toBe(0);
  }
}

describe("runBP's worker pool gives bit-identical results to one thread", () => {
  const grammars: [string, Grammar][] = [
    ["product", randomProductGrammar({ depth: 4, arity: 2, vocab: 16, seed: 1 })],
    ["product m=3 odd S", randomProductGrammar({ depth: 3, arity: 3, vocab: 7, scale: 4, seed: 2 })],
    ["rules (RHM)", randomRhm({ S: 16, classes: 8, k: 4, arity: 2, depth: 4, seed: 3 })],
    ["dense", randomDenseGrammar({ depth: 3, arity: 2, vocab: 4, seed: 4 })],
  ];
  test.each(grammars)("%s", (_name, g) => {
    for (const sigma of [1, 0.05]) {
      const ev = evidence(g, 37, sigma, 7);
      for (const options of [{ messages: true }, { downward: false }]) {
        const one = runBP(g, ev, options);
        expect(one.impossible[0]).toBe(1);
        for (const threads of [2, 3]) {
          const many = runBP(g, ev, { ...options, threads });
          expect(many.marginals?.[0].buffer ?? many.logZ.buffer).toBeInstanceOf(SharedArrayBuffer);
          expectSameBits(one, many);
        }
      }
    }
  });

  test('"auto" splits large batches over every core and keeps small ones on this thread', () => {
    const g = randomProductGrammar({ depth: 6, arity: 2, vocab: 16, seed: 5 });
    const big = evidence(g, 130, 1, 9);
    const a = runBP(g, big, { threads: "auto" });
    expectSameBits(runBP(g, big), a);
    const kind = (r: BPResult): string => Object.prototype.toString.call(r.logZ.buffer);
    if (availableThreads() > 1) expect(kind(a)).toBe("[object SharedArrayBuffer]");
    expect(kind(runBP(g, evidence(g, 2, 1, 9), { threads: "auto" }))).toBe("[object ArrayBuffer]");
  });

  test("more threads than rows, and a bad thread count", () => {
    const g = randomRhm({ S: 8, classes: 4, k: 2, arity: 2, depth: 3, seed: 6 });
    const ev = evidence(g, 3, 1, 11);
    expectSameBits(runBP(g, ev), runBP(g, ev, { threads: 8 }));
    expect(() => runBP(g, ev, { threads: 0 })).toThrow(/options\.threads: is 0 \(use a positive integer or "auto"\)/);
    expect(() => runBP(g, ev, { threads: 1.5 })).toThrow(/options\.threads/);
  });
});
