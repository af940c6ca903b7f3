import { type Evidence, type Grammar, isInputError, randomProductGrammar, randomRhm, sampleNoisy } from "@ghmkit/ghm";
import { runBP } from "./run";

function noisyBatch(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  return sampleNoisy(g, batch, { kind: "gaussian", alpha: 1, sigma }, { data: seed, noise: seed + 1 }).evidence;
}

const product = randomProductGrammar({ depth: 4, arity: 2, vocab: 8, seed: 1 });
const rhm = randomRhm({ S: 8, classes: 4, k: 3, arity: 2, depth: 3, seed: 2 });

test("into: the same bits as fresh arrays, written into the given arrays, for every option", () => {
  for (const g of [product, rhm])
    for (const options of [{}, { messages: true }, { downward: false }, { downward: false, messages: true }]) {
      const a = noisyBatch(g, 7, 1, 3);
      const b = noisyBatch(g, 7, 0.3, 4);
      const first = runBP(g, a, options);
      const again = runBP(g, b, { ...options, into: first });
      expect(again.marginals).toBe(first.marginals);
      expect(again.logZ).toBe(first.logZ);
      expect(again).toEqual(runBP(g, b, options));
    }
});

test("into: impossible rows from the previous call do not leak (flags, zeros)", () => {
  const ev = noisyBatch(rhm, 3, 1, 5);
  const bad = { ...ev, e: ev.e.slice() };
  bad.e.fill(Number.NEGATIVE_INFINITY, 0, ev.d * ev.S); // row 0: no symbol possible anywhere
  const first = runBP(rhm, bad);
  expect(first.impossible[0]).toBe(1);
  const again = runBP(rhm, ev, { into: first });
  expect(again).toEqual(runBP(rhm, ev));
  const back = runBP(rhm, bad, { into: again });
  expect(back).toEqual(runBP(rhm, bad));
});

test("into: a pooled call writes into shared arrays, and runs on one thread with plain ones", () => {
  const ev = noisyBatch(product, 9, 1, 6);
  const pooled = runBP(product, ev, { threads: 2 });
  const plain = runBP(product, ev);
  expect(runBP(product, ev, { threads: 2, into: pooled })).toEqual(plain);
  expect(runBP(product, ev, { threads: 2, into: plain }).marginals).toBe(plain.marginals);
});

test("into: a result of another shape is refused, naming the field", () => {
  const ev = noisyBatch(product, 4, 1, 7);
  const r = runBP(product, ev);
  const cases: [object, string][] = [
    [{ into: runBP(product, noisyBatch(product, 5, 1, 8)) }, "options.into"],
    [{ into: r, messages: true }, "options.into.up"],
    [{ into: r, downward: false }, "options.into.marginals"],
    [{ into: runBP(rhm, noisyBatch(rhm, 4, 1, 9)) }, "options.into.marginals"],
  ];
  for (const [options, field] of cases) {
    let err: unknown = null;
    try {
      runBP(product, ev, options);
    } catch (e) {
      err = e;
    }
    expect(isInputError(err) && err.field).toBe(field);
  }
});
