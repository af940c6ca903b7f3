import { GrammarError } from "./grammarError";
import { type GhmV1Json, grammarToJson, parseGrammar, validateGrammar } from "./format";
import { denseDoc, productDoc, rulesDoc } from "./testing/fixtures";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function expectGrammarError(doc: unknown, path: string, ...fragments: string[]): GrammarError {
  let caught: unknown;
  try {
    parseGrammar(doc);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GrammarError);
  const err = caught as GrammarError;
  expect(err.path).toBe(path);
  expect(err.message.startsWith(`${path === "" ? "<document>" : path}: `)).toBe(true);
  for (const f of fragments) expect(err.message).toContain(f);
  return err;
}

function mutate(base: () => GhmV1Json, f: (d: Doc) => void): Doc {
  const d = base() as Doc;
  f(d);
  return d;
}

describe("ghm/v1 round trip", () => {
  it.each([
    ["product", productDoc],
    ["rules", rulesDoc],
    ["dense", denseDoc],
  ])("%s: grammarToJson(parseGrammar(doc)) equals doc, also through JSON text", (_, make) => {
    const doc = make();
    const g = parseGrammar(JSON.parse(JSON.stringify(doc)));
    expect(grammarToJson(g)).toEqual(doc);
    expect(JSON.stringify(grammarToJson(g))).toBe(JSON.stringify(doc));
    expect(() => validateGrammar(g)).not.toThrow();
  });

  it("product matrices are row-major [S_{l-1} x S_l]", () => {
    const g = parseGrammar(productDoc());
    const k = g.levels[0];
    if (k.kind !== "product") throw new Error("kind");
    expect(k.matrices[0][1 * 3 + 2]).toBe(0.7);
    expect(k.matrices[1][0 * 3 + 0]).toBe(1);
  });

  it("dense tensor is flattened as a * S^m + sum_j b_j S^(m-1-j)", () => {
    const g = parseGrammar(denseDoc());
    const k = g.levels[0];
    if (k.kind !== "dense") throw new Error("kind");
    expect(Array.from(k.tensor)).toEqual([0.1, 0.2, 0.3, 0.4, 0, 0.5, 0.5, 0]);
  });

  it("the parsed grammar owns its arrays (mutating the document does not change it)", () => {
    const doc = rulesDoc();
    const g = parseGrammar(doc);
    (doc.levels[0] as { rules: { children: number[] }[][] }).rules[0][0].children[0] = 2;
    doc.vocab[0] = 7;
    expect(g.levels[0].kind === "rules" && g.levels[0].rules[0][0].children[0]).toBe(0);
    expect(g.vocab[0]).toBe(2);
  });
});

describe("parseGrammar refuses bad documents, naming the field", () => {
  it.each<[string, () => unknown, string, string[]]>([
    ["not an object", () => 42, "", ["ghm/v1 grammar"]],
    ["wrong format tag", () => mutate(productDoc, (d) => (d.format = "ghm/v2")), "format", ['"ghm/v1"']],
    ["unknown top-level field", () => mutate(productDoc, (d) => (d.name = "x")), "", ['"name"']],
    ["depth 0", () => mutate(productDoc, (d) => (d.depth = 0)), "depth", ["integer", "got 0"]],
    ["fractional arity", () => mutate(productDoc, (d) => (d.arity = 2.5)), "arity", ["integer", "2.5"]],
    ["arity 1", () => mutate(productDoc, (d) => (d.arity = 1)), "arity", [">= 2"]],
    ["vocab size 0", () => mutate(productDoc, (d) => (d.vocab[1] = 0)), "vocab[1]", ["vocabulary size"]],
    ["vocab of wrong length", () => mutate(productDoc, (d) => d.vocab.push(2)), "vocab", ["L + 1 = 3", "got 4"]],
    ["levels of wrong length", () => mutate(productDoc, (d) => d.levels.pop()), "levels", ["L = 2", "got 1"]],
    ["missing root", () => mutate(productDoc, (d) => delete d.root), "root", ["missing"]],
    ["root of wrong length", () => mutate(productDoc, (d) => (d.root = [1])), "root", ["exactly 2"]],
    [
      "root not summing to 1",
      () => mutate(productDoc, (d) => (d.root = [0.5, 0.6])),
      "root",
      ["sum is 1.1", "expected 1"],
    ],
    [
      "unknown kind",
      () => mutate(productDoc, (d) => (d.levels[1].kind = "sparse")),
      "levels[1].kind",
      ['"product", "rules" or "dense"'],
    ],
    [
      "wrong number of matrices",
      () => mutate(productDoc, (d) => d.levels[0].matrices.pop()),
      "levels[0].matrices",
      ["exactly 2 matrices"],
    ],
    [
      "matrix with a missing row",
      () => mutate(productDoc, (d) => d.levels[1].matrices[1].pop()),
      "levels[1].matrices[1]",
      ["exactly 3 rows"],
    ],
    [
      "row of wrong length",
      () => mutate(productDoc, (d) => d.levels[0].matrices[1][1].push(0)),
      "levels[0].matrices[1][1]",
      ["exactly 3 probabilities"],
    ],
    [
      "negative probability",
      () => mutate(productDoc, (d) => (d.levels[1].matrices[0][2][1] = -0.5)),
      "levels[1].matrices[0][2][1]",
      ["[0, 1]", "-0.5"],
    ],
    [
      "NaN probability",
      () => mutate(productDoc, (d) => (d.levels[1].matrices[0][2][1] = NaN)),
      "levels[1].matrices[0][2][1]",
      ["probability"],
    ],
    [
      "string probability",
      () => mutate(productDoc, (d) => (d.levels[1].matrices[0][2][1] = "0.5")),
      "levels[1].matrices[0][2][1]",
      ["probability", '"0.5"'],
    ],
    [
      "row not summing to 1",
      () => mutate(productDoc, (d) => (d.levels[0].matrices[0][1] = [0.1, 0.2, 0.6])),
      "levels[0].matrices[0][1]",
      ["sum is", "expected 1"],
    ],
    ["extra field in a level", () => mutate(productDoc, (d) => (d.levels[0].rules = [])), "levels[0]", ['"rules"']],
    [
      "rules for too few parents",
      () => mutate(rulesDoc, (d) => d.levels[1].rules.pop()),
      "levels[1].rules",
      ["exactly 3 rule lists"],
    ],
    [
      "rule p above 1",
      () => mutate(rulesDoc, (d) => (d.levels[1].rules[2][1].p = 1.5)),
      "levels[1].rules[2][1].p",
      ["[0, 1]", "1.5"],
    ],
    [
      "rule missing p",
      () => mutate(rulesDoc, (d) => delete d.levels[0].rules[0][1].p),
      "levels[0].rules[0][1].p",
      ["missing"],
    ],
    [
      "child out of range",
      () => mutate(rulesDoc, (d) => (d.levels[1].rules[1][0].children[1] = 3)),
      "levels[1].rules[1][0].children[1]",
      ["[0, 2]", "got 3"],
    ],
    [
      "child tuple too short",
      () => mutate(rulesDoc, (d) => d.levels[0].rules[1][0].children.pop()),
      "levels[0].rules[1][0].children",
      ["exactly 2 child symbols"],
    ],
    [
      "rule probabilities not summing to 1",
      () => mutate(rulesDoc, (d) => (d.levels[1].rules[2][0].p = 0.3)),
      "levels[1].rules[2]",
      ["sum is 0.9"],
    ],
    [
      "no rules for a parent",
      () => mutate(rulesDoc, (d) => (d.levels[0].rules[1] = [])),
      "levels[0].rules[1]",
      ["at least one rule"],
    ],
    [
      "duplicate child tuple",
      () =>
        mutate(
          rulesDoc,
          (d) =>
            (d.levels[1].rules[0] = [
              { children: [1, 2], p: 0.5 },
              { children: [1, 2], p: 0.5 },
            ]),
        ),
      "levels[1].rules[0][1].children",
      ["duplicate", "levels[1].rules[0][0]"],
    ],
    [
      "unknown field in a rule",
      () => mutate(rulesDoc, (d) => (d.levels[0].rules[1][0].weight = 1)),
      "levels[0].rules[1][0]",
      ['"weight"'],
    ],
    [
      "dense tensor axis too short",
      () => mutate(denseDoc, (d) => d.levels[0].tensor[1][0].pop()),
      "levels[0].tensor[1][0]",
      ["child axis 1"],
    ],
    [
      "dense tensor too few parents",
      () => mutate(denseDoc, (d) => d.levels[0].tensor.pop()),
      "levels[0].tensor",
      ["exactly 2 rows"],
    ],
    [
      "dense row not summing to 1",
      () => mutate(denseDoc, (d) => (d.levels[0].tensor[0][1][1] = 0.5)),
      "levels[0].tensor[0]",
      ["sum is 1.1"],
    ],
    [
      "dense entry not a number",
      () => mutate(denseDoc, (d) => (d.levels[0].tensor[1][1][0] = null)),
      "levels[0].tensor[1][1][0]",
      ["probability", "null"],
    ],
  ])("%s", (_, make, path, fragments) => {
    expectGrammarError(make(), path, ...fragments);
  });

  it("accepts sums within 1e-9 and refuses them beyond", () => {
    expect(() => parseGrammar(mutate(productDoc, (d) => (d.root = [0.25, 0.75 + 5e-10])))).not.toThrow();
    expectGrammarError(
      mutate(productDoc, (d) => (d.root = [0.25, 0.75 + 5e-9])),
      "root",
      "within 1e-9",
    );
  });

  it("refuses a huge dense level from the header, before reading its entries", () => {
    const doc = {
      format: "ghm/v1",
      depth: 1,
      arity: 8,
      vocab: [2, 20],
      root: [0.5, 0.5],
      levels: [{ kind: "dense", tensor: "never read" }],
    };
    const err = expectGrammarError(doc, "levels[0]", "dense kernel K_1", "2 * 20^8", "limit of 134217728");
    expect(err.message).toContain("5.120e+10");
    expect(() => parseGrammar(denseDoc(), { maxEntries: 7 })).toThrow(/limit of 7 entries/);
  });
});
