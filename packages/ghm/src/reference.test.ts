/**
 * Every grammar of the shared BP reference vectors must load and round trip.
 * In a clean clone shared/ sits beside the repository (../shared).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { grammarToJson, parseGrammar } from "./format";
import { leafCount } from "./grammar";

const VECTORS = path.resolve(__dirname, "../../../../shared/reference/bp-vectors.json");
const present = fs.existsSync(VECTORS);
if (!present) console.warn(`reference.test.ts: SKIPPED, ${VECTORS} not found`);

(present ? describe : describe.skip)("shared/reference/bp-vectors.json grammars", () => {
  const doc = present ? (JSON.parse(fs.readFileSync(VECTORS, "utf8")) as { cases: { grammar: unknown; evidence: { kind: string; x?: number[][] } }[] }) : { cases: [] };

  it("holds cases of every kernel kind", () => {
    const kinds = new Set(doc.cases.flatMap((c) => (c.grammar as { levels: { kind: string }[] }).levels.map((l) => l.kind)));
    expect([...kinds].sort()).toEqual(["dense", "product", "rules"]);
  });

  it.each(doc.cases.map((c, i) => [i, c] as const))("case %i parses and round trips exactly", (_, c) => {
    const g = parseGrammar(c.grammar);
    expect(grammarToJson(g)).toEqual(c.grammar);
    if (c.evidence.kind === "exact" && c.evidence.x) for (const row of c.evidence.x) expect(row).toHaveLength(leafCount(g));
  });
});
