/** Size guards of the grammar loaders and generators: refused from the shape, before any table is allocated, with the estimate and the limit. */
import { GrammarError } from "./grammarError";
import { parseGrammar } from "./format";
import { randomDenseGrammar } from "./randomDense";
import { randomProductGrammar } from "./randomProduct";
import { DEFAULT_MAX_ENTRIES, MAX_DENSE_ARITY } from "./size";
import { productDoc } from "./testing/fixtures";

function refusal(f: () => unknown): GrammarError {
  const t0 = Date.now();
  try {
    f();
  } catch (e) {
    expect(Date.now() - t0).toBeLessThan(2000);
    if (e instanceof GrammarError) return e;
    throw e;
  }
  throw new Error("not refused");
}

describe("grammar size guards", () => {
  test("a dense level of 2^40 entries is refused from the header, its tensor never read", () => {
    const doc = {
      format: "ghm/v1",
      depth: 1,
      arity: 4,
      vocab: [2 ** 8, 2 ** 8],
      root: [],
      levels: [{ kind: "dense", tensor: "never read" }],
    };
    const e = refusal(() => parseGrammar(doc));
    expect(e.path).toBe("levels[0]");
    expect(e.detail).toMatch(
      /S_0 \* S_1\^m = 256 \* 256\^4 = 1\.100e\+12 entries \(~8\.00 TiB\), above the limit of 134217728 entries.*raise maxEntries/,
    );
  });

  test("maxEntries moves the limit both ways", () => {
    // productDoc: K_1 has m * S_0 * S_1 = 2 * 2 * 3 = 12 entries.
    expect(refusal(() => parseGrammar(productDoc(), { maxEntries: 11 })).detail).toMatch(
      /= 1\.200e\+1 entries .*limit of 11 entries/,
    );
    expect(() => parseGrammar(productDoc(), { maxEntries: 12 })).not.toThrow();
  });

  test("a dense arity of 2^31 - 1 over one symbol (a table of 1 entry) is refused, not validated axis by axis (it ran out of memory)", () => {
    const doc = {
      format: "ghm/v1",
      depth: 2,
      arity: 2 ** 31 - 1,
      vocab: [1, 1, 1],
      root: [1],
      levels: [
        { kind: "dense", tensor: [] },
        { kind: "dense", tensor: [] },
      ],
    };
    const e = refusal(() => parseGrammar(doc));
    expect(e.message).toMatch(
      new RegExp(
        `^levels\\[0\\]: dense kernel K_1 with arity m = 2147483647: .*supported up to m = ${MAX_DENSE_ARITY}; use a rules kernel`,
      ),
    );
  });

  test("generators refuse 64 levels that each fit but together do not (it tried to allocate 64 GiB)", () => {
    const dense = refusal(() => randomDenseGrammar({ depth: 64, arity: 2, vocab: 512, seed: 1 }));
    expect(dense.path).toBe("levels");
    expect(dense.detail).toMatch(
      /64 levels would hold 8\.590e\+9 entries together \(~64\.0 GiB\), above the limit of 134217728 entries/,
    );
    const product = refusal(() => randomProductGrammar({ depth: 64, arity: 2, vocab: 2 ** 13, seed: 1 }));
    expect(product.detail).toMatch(/together .* above the limit of 134217728/);
    // The limit is an option: a small grammar under a small limit passes, and fails just below its size.
    expect(() => randomDenseGrammar({ depth: 2, arity: 2, vocab: 2, seed: 1, maxEntries: 16 })).not.toThrow();
    expect(refusal(() => randomDenseGrammar({ depth: 2, arity: 2, vocab: 2, seed: 1, maxEntries: 15 })).detail).toMatch(
      /1\.600e\+1 entries together/,
    );
    expect(DEFAULT_MAX_ENTRIES).toBe(2 ** 27);
  });
});
