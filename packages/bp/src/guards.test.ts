/** Size guards: every allocation that grows with the input is refused, with the estimate and the limit, before it is made. */
import { Rng, randomProductGrammar } from "@ghmkit/ghm";
import { BRUTE_FORCE_MAX_TREES, bruteForceBP } from "./brute";
import { MAX_BP_BYTES } from "./check";
import { mapDecode } from "./map";
import { posteriorSample } from "./sample";
import { messageBytesPerSequence, runBP } from "./run";
import { randomGrammar, randomLogits } from "./testing/random";

/** A product grammar with a wide middle level: 12 MiB of messages per sequence, tiny evidence. */
function wideMiddle() {
  const g = randomGrammar({ kind: "product", m: 2, vocab: [2, 2, 2], zeroProb: 0 }, new Rng(1));
  const Sc = 2 ** 18;
  const wide = (Sp: number, S: number) => Array.from({ length: 2 }, () => new Float64Array(Sp * S).fill(1 / S));
  g.vocab = [2, Sc, 2];
  g.levels = [
    { kind: "product", matrices: wide(2, Sc) },
    { kind: "product", matrices: wide(Sc, 2) },
  ];
  return g;
}

describe("BP memory guards", () => {
  test("runBP refuses before allocating with the estimate, the limit and the batch that fits; maxBytes overrides", () => {
    const g = wideMiddle();
    const perRow = messageBytesPerSequence(g);
    const batch = Math.ceil(MAX_BP_BYTES / perRow) + 1;
    const ev = randomLogits(g, batch, new Rng(2), 1, 0);
    // Over 4 GiB: this process would die (or swap) if the guard came after the allocation.
    expect(() => runBP(g, ev)).toThrow(
      /runBP needs 4\.\d+ GiB of messages for batch \d+ \(limit 4\.000 GiB\) \(split the batch into chunks of at most \d+ sequences\)/,
    );
    expect(() => runBP(g, { ...ev, batch: 1, e: ev.e.subarray(0, 8) }, { maxBytes: perRow - 1 })).toThrow(
      /chunks of at most 1 sequences/,
    );
    // Sampling runs only the upward pass (with its log-domain messages), under the same limit.
    const up = randomLogits(g, Math.ceil(MAX_BP_BYTES / messageBytesPerSequence(g, false, true)) + 1, new Rng(3), 1, 0);
    expect(() => posteriorSample(g, up, new Rng(1))).toThrow(/limit 4\.000 GiB/);
  });

  test("an empty batch on a model with 2^45 leaves allocates nothing (it used to ask for a 1 PiB scratch block)", () => {
    const g = randomProductGrammar({ depth: 45, arity: 2, vocab: 2, seed: 1 });
    const ev = { batch: 0, d: 2 ** 45, S: 2, e: new Float64Array(0) };
    const bp = runBP(g, ev);
    expect(bp.logZ.length).toBe(0);
    expect(bp.marginals!.every((m) => m.length === 0)).toBe(true);
    expect(mapDecode(g, ev).logp.length).toBe(0);
    expect(posteriorSample(g, ev, new Rng(1), bp).every((t) => t.length === 0)).toBe(true);
  });

  test("a depth whose m^L is not a safe integer is refused by name", () => {
    const g = randomProductGrammar({ depth: 54, arity: 2, vocab: 2, seed: 1 });
    expect(() => runBP(g, { batch: 0, d: 2 ** 54, S: 2, e: new Float64Array(0) })).toThrow(
      /grammar\.depth: gives m\^L = .* leaves \(use a smaller depth or arity\)/,
    );
  });

  test("bruteForceBP refuses more than BRUTE_FORCE_MAX_TREES trees, with the count", () => {
    const g = randomGrammar({ kind: "product", m: 2, vocab: [2, 4, 4], zeroProb: 0 }, new Rng(1));
    expect(2 * 4 ** 2 * 4 ** 4).toBeLessThan(BRUTE_FORCE_MAX_TREES);
    expect(() => bruteForceBP(g, randomLogits(g, 1, new Rng(1), 1, 0))).not.toThrow();
    const big = randomGrammar({ kind: "product", m: 2, vocab: [2, 4, 4, 4], zeroProb: 0 }, new Rng(1));
    expect(() => bruteForceBP(big, randomLogits(big, 1, new Rng(1), 1, 0))).toThrow(
      /has 5\.\d+e\+\d+ trees \(limit 1000000\)|has \d+ trees \(limit 1000000\)/,
    );
  });
});
