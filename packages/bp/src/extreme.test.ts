import { Rng, exactEvidence, noisyEvidence, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { bruteForceBP } from "./brute";
import { maxEvidenceMagnitude } from "./check";
import { logLikelihood } from "./likelihood";
import { mapDecode } from "./map";
import { naiveBP } from "./naive";
import { fuzzModel } from "./fuzz/models";
import { messageBytesPerSequence, runBP } from "./run";
import { type Kind, randomGrammar, randomLogits } from "./testing/random";

function noNaN(arrays: Float64Array[]): boolean {
  return arrays.every((a) => !a.some(Number.isNaN));
}

describe("extreme evidence", () => {
  test("sigma = 1e-6 gaussian evidence of sampled data (|e| ~ 1e12): finite, exact, marginals one-hot", () => {
    for (const g of [
      randomRhm({ S: 6, classes: 3, k: 2, arity: 2, depth: 3, seed: 1 }),
      randomProductGrammar({ depth: 4, arity: 2, vocab: 5, seed: 2 }),
      randomGrammar({ kind: "dense", m: 2, vocab: [2, 3, 3], zeroProb: 0.3 }, new Rng(3)),
    ]) {
      const data = sample(g, 40, new Rng(4));
      const S = g.vocab[g.depth];
      const { evidence } = noisyEvidence(
        data.x,
        data.n,
        data.d,
        S,
        { kind: "gaussian", alpha: 1, sigma: 1e-6 },
        new Rng(5),
      );
      const bp = runBP(g, evidence, { messages: true });
      const ll = logLikelihood(g, data.x, data.n);
      expect(noNaN([...bp.up, ...bp.down!, ...bp.marginals!, bp.root, bp.logZ])).toBe(true);
      for (let r = 0; r < data.n; r++) {
        expect(bp.impossible[r]).toBe(0);
        // Every other sequence is e^-1e12 less likely: log p(obs) = sum_i e_i(x_i) + log p(x).
        let ex = ll[r];
        for (let i = 0; i < data.d; i++) ex += evidence.e[(r * data.d + i) * S + data.x[r * data.d + i]];
        expect(Math.abs(bp.logZ[r] - ex)).toBeLessThanOrEqual(1e-13 * Math.abs(ex));
      }
      const leaves = bp.marginals![g.depth];
      for (let i = 0; i < data.n * data.d; i++)
        expect(Math.abs(leaves[i * S + data.x[i]] - 1)).toBeLessThanOrEqual(1e-15);
    }
  });

  test.each<Kind>(["product", "rules", "dense"])(
    "conflicting logits of scale 1e3 on a model too large to enumerate (%s): agrees with log-domain BP",
    (kind) => {
      const rng = new Rng(kind.length);
      const vocab = kind === "dense" ? [3, 3, 3, 3, 3] : [4, 5, 5, 5, 5, 5];
      const g = randomGrammar({ kind, m: 2, vocab, zeroProb: 0.4 }, rng);
      const ev = randomLogits(g, 6, rng, 1e3, 0.05);
      const fast = runBP(g, ev);
      const slow = naiveBP(g, ev);
      for (let r = 0; r < ev.batch; r++) {
        if (slow.logZ[r] === -Infinity) expect(fast.logZ[r]).toBe(-Infinity);
        else
          expect(Math.abs(fast.logZ[r] - slow.logZ[r])).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(slow.logZ[r])),
          );
      }
      // Log-weights of magnitude ~1e5 leave ~1e-11 absolute rounding in either side's marginals.
      fast.marginals!.forEach((m, l) =>
        m.forEach((x, i) => expect(Math.abs(x - slow.marginals[l][i])).toBeLessThan(1e-9)),
      );
    },
  );

  test("impossible evidence: flagged, logZ -Infinity, zero marginals, no NaN", () => {
    const g = randomRhm({ S: 8, classes: 2, k: 2, arity: 2, depth: 3, seed: 8 });
    const x = sample(g, 4, new Rng(1)).x.slice();
    x[3] = (x[3] + 1) % 8; // row 0: almost surely not a sentence
    const ev = exactEvidence(x, 4, 8, 8);
    ev.e.fill(-Infinity, 8 * 8, 8 * 8 + 8); // row 1, leaf 0: every symbol impossible
    const bp = runBP(g, ev, { messages: true });
    expect(bp.impossible[1]).toBe(1);
    expect(bp.logZ[1]).toBe(-Infinity);
    expect(bp.impossible[2]).toBe(0);
    expect(noNaN([...bp.up, ...bp.down!, ...bp.marginals!, bp.root, bp.logZ])).toBe(true);
    for (const r of [0, 1]) {
      if (!bp.impossible[r]) continue;
      for (let l = 0; l <= 3; l++) {
        const n = 2 ** l * g.vocab[l];
        expect(bp.marginals![l].subarray(r * n, (r + 1) * n).every((v) => v === 0)).toBe(true);
      }
      expect(bp.root[2 * r] + bp.root[2 * r + 1]).toBe(0);
    }
  });

  test("bad evidence is refused with the field named", () => {
    const g = randomGrammar({ kind: "product", m: 2, vocab: [2, 2], zeroProb: 0 }, new Rng(1));
    const ev = randomLogits(g, 1, new Rng(2), 1, 0);
    ev.e[1] = NaN;
    expect(() => runBP(g, ev)).toThrow(/evidence.e\[1\]: is NaN/);
    ev.e[1] = Infinity;
    expect(() => runBP(g, ev)).toThrow(/evidence.e\[1\]: is Infinity/);
    expect(() => runBP(g, { ...ev, S: 3 })).toThrow(/evidence.S/);
    const bad = randomGrammar({ kind: "product", m: 2, vocab: [2, 2], zeroProb: 0 }, new Rng(1));
    if (bad.levels[0].kind === "product") bad.levels[0].matrices[1][0] += 0.5;
    expect(() => runBP(bad, ev)).toThrow(/levels\[0\].matrices\[1\] row 0: sums to/);
  });

  test("refuses batches whose messages cannot fit, before allocating", () => {
    const g = randomProductGrammar({ depth: 3, arity: 2, vocab: 4, seed: 1 });
    const ev = randomLogits(g, 10, new Rng(2), 1, 0);
    const perRow = messageBytesPerSequence(g);
    expect(() => runBP(g, ev, { maxBytes: 10 * perRow })).not.toThrow();
    expect(() => runBP(g, ev, { maxBytes: 9 * perRow })).toThrow(/split the batch into chunks of at most 9 sequences/);
  });
});

/** Evidence with each leaf shifted to max 0 (exactly what BP does first) and the total shift. */
function shiftLeaves(ev: { batch: number; d: number; S: number; e: Float64Array }): {
  ev: typeof ev;
  shift: Float64Array;
} {
  const e = ev.e.slice();
  const shift = new Float64Array(ev.batch);
  for (let r = 0; r < ev.batch; r++) {
    for (let i = 0; i < ev.d; i++) {
      const off = (r * ev.d + i) * ev.S;
      const mx = Math.max(...e.subarray(off, off + ev.S));
      if (mx === -Infinity) continue;
      for (let s = 0; s < ev.S; s++) e[off + s] -= mx;
      shift[r] += mx;
    }
  }
  return { ev: { ...ev, e }, shift };
}

describe("gaussian noise from sigma = 1e-6 to 1e6", () => {
  const sigmas = Array.from({ length: 13 }, (_, i) => Number(`1e${i - 6}`));
  const tiny = (["product", "rules", "dense"] as Kind[]).map((kind, i) =>
    randomGrammar({ kind, m: 2, vocab: kind === "dense" ? [2, 3, 3] : [3, 3, 3], zeroProb: 0.3 }, new Rng(20 + i)),
  );
  test.each(sigmas)("sigma = %p: exact against enumeration on every kernel kind, finite, no NaN", (sigma) => {
    for (const g of tiny) {
      const data = sample(g, 6, new Rng(7));
      const S = g.vocab[g.depth];
      const { evidence } = noisyEvidence(data.x, data.n, data.d, S, { kind: "gaussian", alpha: 1, sigma }, new Rng(8));
      const bp = runBP(g, evidence, { messages: true });
      expect(noNaN([...bp.up, ...bp.down!, ...bp.marginals!, bp.root, bp.logZ])).toBe(true);
      // Enumeration is run on the leaf-shifted evidence: its own sums of 1e12-sized terms would round at 1e-4.
      const { ev: shifted, shift } = shiftLeaves(evidence);
      const ref = bruteForceBP(g, shifted);
      for (let r = 0; r < data.n; r++) {
        expect(bp.impossible[r]).toBe(0);
        expect(Number.isFinite(bp.logZ[r])).toBe(true);
        const want = ref.logZ[r] + shift[r];
        expect(Math.abs(bp.logZ[r] - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
      }
      bp.marginals!.forEach((M, l) =>
        M.forEach((x, i) => expect(Math.abs(x - ref.marginals[l][i])).toBeLessThanOrEqual(1e-10)),
      );
    }
  });

  test("sigma sweep on models too large to enumerate: agrees with log-domain BP", () => {
    const models = [
      randomRhm({ S: 6, classes: 3, k: 2, arity: 2, depth: 4, seed: 3 }),
      randomProductGrammar({ depth: 4, arity: 3, vocab: 4, seed: 4 }),
    ];
    for (const g of models)
      for (const sigma of [1e-6, 1e-3, 1, 1e3, 1e6]) {
        const data = sample(g, 3, new Rng(9));
        const S = g.vocab[g.depth];
        const { evidence } = noisyEvidence(
          data.x,
          data.n,
          data.d,
          S,
          { kind: "gaussian", alpha: 1, sigma },
          new Rng(10),
        );
        const bp = runBP(g, evidence);
        const { ev: shifted, shift } = shiftLeaves(evidence);
        const ref = naiveBP(g, shifted);
        for (let r = 0; r < data.n; r++) {
          const want = ref.logZ[r] + shift[r];
          expect(Math.abs(bp.logZ[r] - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        }
        bp.marginals!.forEach((M, l) =>
          M.forEach((x, i) => expect(Math.abs(x - ref.marginals[l][i])).toBeLessThanOrEqual(1e-9)),
        );
      }
  });
});

describe("evidence at the overflow bound", () => {
  const limit = maxEvidenceMagnitude(3);

  test("|e| up to 2^1020 / d: logZ finite, root and marginals are distributions", () => {
    // Fuzz seed 18: a dense m = 3 model with every entry at +-2^1020/3 (its root posterior used to sum to 2).
    const { g, ev } = fuzzModel(18);
    expect(ev.e.every((x) => Math.abs(x) === limit)).toBe(true);
    const bp = runBP(g, ev, { messages: true });
    const ref = naiveBP(g, ev);
    expect(noNaN([...bp.up, ...bp.down!, ...bp.marginals!, bp.root, bp.logZ])).toBe(true);
    for (let r = 0; r < ev.batch; r++) {
      expect(bp.impossible[r]).toBe(ref.logZ[r] === -Infinity ? 1 : 0);
      if (bp.impossible[r]) continue;
      expect(Number.isFinite(bp.logZ[r])).toBe(true);
      expect(Math.abs(bp.logZ[r] - ref.logZ[r])).toBeLessThanOrEqual(1e-12 * Math.abs(ref.logZ[r]));
      // log pi is absorbed by messages of size 1e306; the posterior must still sum to 1.
      expect(Math.abs(bp.root[3 * r] + bp.root[3 * r + 1] + bp.root[3 * r + 2] - 1)).toBeLessThan(1e-15);
    }
  });

  test("beyond the bound: refused, naming the entry (it used to give logZ NaN or flag a possible row impossible)", () => {
    const g = randomGrammar({ kind: "dense", m: 3, vocab: [3, 2], zeroProb: 0.3 }, new Rng(18));
    const ev = randomLogits(g, 1, new Rng(5), 1, 0);
    ev.e[4] = 1e308;
    expect(() => runBP(g, ev)).toThrow(/evidence\.e\[4\]: is 1e\+308; \|log-likelihoods\| above 2\^1020 \/ d/);
    ev.e[4] = -1e308;
    expect(() => mapDecode(g, ev)).toThrow(/evidence\.e\[4\]/);
    expect(() => naiveBP(g, ev)).toThrow(/evidence\.e\[4\]/);
  });
});
