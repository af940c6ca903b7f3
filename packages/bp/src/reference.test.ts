import * as fs from "node:fs";
import * as path from "node:path";
import { bruteForceBP } from "./brute";
import { runBP } from "./run";
import { exactEvidence, parseGrammar } from "@ghmkit/ghm";
import { type JsonEvidence, evidenceFromJson } from "./testing/ghmv1";

// The brute-force reference vectors and the script that writes them (reference/README.md).
const file = path.resolve(__dirname, "../../../reference/bp-vectors.json");
const generator = path.resolve(__dirname, "../../../reference/generate.cjs");
// A missing file fails the suite (never a skip): a clone must carry it.
if (!fs.existsSync(file))
  throw new Error(`${file} is missing: regenerate it with \`pnpm build && node reference/generate.cjs\``);

interface Case {
  grammar: { levels: { kind: string }[] };
  evidence: JsonEvidence;
  expected: { logZ: (number | null)[]; marginals: number[][][][] | null };
}

// Vectors computed outside ghmkit by a separate enumerator: the independent check of
// bruteForceBP, which writes bp-vectors.json (reference/README.md).
const independent = path.resolve(__dirname, "../../../reference/bp-vectors-independent.json");
if (!fs.existsSync(independent)) throw new Error(`${independent} is missing: restore it from git`);
const read = (f: string): Case[] => JSON.parse(fs.readFileSync(f, "utf8")).cases;
const TOL = 1e-10;

describe("reference/generate.cjs", () => {
  it("regenerates the committed reference/bp-vectors.json byte for byte (from bruteForceBP's sources)", () => {
    const { buildVectors, serialize } = require(generator) as {
      buildVectors: (deps: {
        bruteForceBP: typeof bruteForceBP;
        parseGrammar: typeof parseGrammar;
        exactEvidence: typeof exactEvidence;
      }) => unknown;
      serialize: (doc: unknown) => string;
    };
    const text = serialize(buildVectors({ bruteForceBP, parseGrammar, exactEvidence }));
    // On a mismatch: `pnpm build && node reference/generate.cjs`, then review the diff.
    expect(fs.readFileSync(file, "utf8") === text).toBe(true);
  });
});

describe.each([
  ["bp-vectors.json", read(file)],
  ["bp-vectors-independent.json", read(independent)],
])("reference vectors (reference/%s)", (_name, cases) => {
  test.each(cases.map((c, i) => [i, c.grammar.levels.map((k) => k.kind).join("+"), c.evidence.kind, c] as const))(
    "case %i (%s, %s evidence)",
    (_i, _kinds, _ev, c) => {
      const g = parseGrammar(c.grammar);
      const ev = evidenceFromJson(c.evidence, g);
      for (const r of [runBP(g, ev), bruteForceBP(g, ev)]) {
        c.expected.logZ.forEach((lz, b) => {
          if (lz === null) {
            expect(r.logZ[b]).toBe(-Infinity);
          } else {
            expect(Math.abs(r.logZ[b] - lz)).toBeLessThan(TOL);
          }
        });
        const marg = r.marginals!;
        if (c.expected.marginals === null) {
          for (const m of marg) for (const x of m) expect(x).toBe(0);
          continue;
        }
        c.expected.marginals.forEach((level, l) => {
          const flat = level.flat(2);
          expect(marg[l].length).toBe(flat.length);
          flat.forEach((x, i) => expect(Math.abs(marg[l][i] - x)).toBeLessThan(TOL));
        });
      }
    },
  );
});
