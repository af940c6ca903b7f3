/**
 * Every grammar of the BP reference vectors (reference/bp-vectors.json at the
 * repository root) must load and round trip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { grammarToJson, parseGrammar } from "./format";
import { leafCount } from "./grammar";

const VECTORS = path.resolve(__dirname, "../../../reference/bp-vectors.json");
// A missing file fails the suite (never a skip): a clone must carry it.
if (!fs.existsSync(VECTORS))
  throw new Error(`${VECTORS} is missing: regenerate it with \`pnpm build && node reference/generate.cjs\``);

describe("reference/bp-vectors.json grammars", () => {
  const doc = JSON.parse(fs.readFileSync(VECTORS, "utf8")) as {
    cases: { grammar: unknown; evidence: { kind: string; x?: number[][] } }[];
  };

  it("holds cases of every kernel kind", () => {
    const kinds = new Set(
      doc.cases.flatMap((c) => (c.grammar as { levels: { kind: string }[] }).levels.map((l) => l.kind)),
    );
    expect([...kinds].sort()).toEqual(["dense", "product", "rules"]);
  });

  it.each(doc.cases.map((c, i) => [i, c] as const))("case %i parses and round trips exactly", (_, c) => {
    const g = parseGrammar(c.grammar);
    expect(grammarToJson(g)).toEqual(c.grammar);
    if (c.evidence.kind === "exact" && c.evidence.x)
      for (const row of c.evidence.x) expect(row).toHaveLength(leafCount(g));
  });
});
