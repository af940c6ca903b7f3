import { createHash } from "node:crypto";
import fc from "fast-check";
import { canonicalJson, grammarFingerprint, sha256Hex, shortFingerprint, utf8Bytes } from "./fingerprint";
import { grammarToJson, parseGrammar } from "./format";
import { randomProductGrammar } from "./randomProduct";
import { randomRhm } from "./randomRhm";
import { productDoc, rulesDoc } from "./testing/fixtures";

const nodeSha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("sha256Hex", () => {
  test("FIPS 180-4 test vectors", () => {
    expect(sha256Hex(utf8Bytes(""))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(utf8Bytes("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(utf8Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  test("equals node:crypto on every length around the block boundaries and on random bytes", () => {
    for (let n = 0; n <= 200; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 255);
      expect(sha256Hex(b)).toBe(nodeSha(b));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => sha256Hex(b) === nodeSha(b)),
      { numRuns: 200 },
    );
    const s = "grammaire \u00e9t\u00e9 \u{1F600}";
    expect(sha256Hex(utf8Bytes(s))).toBe(createHash("sha256").update(s, "utf8").digest("hex"));
  });
});

describe("grammarFingerprint", () => {
  test("is sha256 of the canonical ghm/v1 JSON, keys sorted", () => {
    const g = parseGrammar(rulesDoc());
    const fp = grammarFingerprint(g);
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    const canonical = canonicalJson(grammarToJson(g));
    expect(
      canonical.startsWith(
        '{"arity":2,"depth":2,"format":"ghm/v1","levels":[{"kind":"rules","rules":[[{"children":[0,1],"p":0.25}',
      ),
    ).toBe(true);
    expect(fp).toBe(`sha256:${nodeSha(Buffer.from(canonical, "utf8"))}`);
    expect(shortFingerprint(fp)).toBe(fp.slice(0, 19));
  });

  test("does not depend on key order in the file", () => {
    const doc = rulesDoc() as unknown as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    expect(grammarFingerprint(parseGrammar(reordered))).toBe(grammarFingerprint(parseGrammar(doc)));
  });

  test("property: survives a JSON round trip; different grammars differ", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 3 }), (seed, k) => {
        const g = randomRhm({ S: 6, classes: 3, k, arity: 2, depth: 2, seed });
        const again = parseGrammar(JSON.parse(JSON.stringify(grammarToJson(g))));
        expect(grammarFingerprint(again)).toBe(grammarFingerprint(g));
        const other = randomRhm({ S: 6, classes: 3, k, arity: 2, depth: 2, seed: seed + 1 });
        const sameRules = JSON.stringify(grammarToJson(other)) === JSON.stringify(grammarToJson(g));
        expect(grammarFingerprint(other) === grammarFingerprint(g)).toBe(sameRules);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        const g = randomProductGrammar({ depth: 2, arity: 2, vocab: 4, seed });
        expect(grammarFingerprint(parseGrammar(JSON.parse(JSON.stringify(grammarToJson(g)))))).toBe(
          grammarFingerprint(g),
        );
      }),
      { numRuns: 50 },
    );
  });

  test("one changed rule, probability or prior changes the fingerprint", () => {
    const base = grammarFingerprint(parseGrammar(rulesDoc()));
    const swapped = rulesDoc();
    (swapped.levels[1] as { rules: { children: number[] }[][] }).rules[1][0].children = [1, 2];
    expect(grammarFingerprint(parseGrammar(swapped))).not.toBe(base);
    const prior = rulesDoc();
    prior.root = [0.5 + 1e-12, 0.5 - 1e-12];
    expect(grammarFingerprint(parseGrammar(prior))).not.toBe(base);
    expect(grammarFingerprint(parseGrammar(productDoc()))).not.toBe(base);
  });
});
