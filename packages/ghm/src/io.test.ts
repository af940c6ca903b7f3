import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readGrammarFile, writeGrammarFile } from "./io";
import { grammarToJson, parseGrammar } from "./format";
import { GrammarError } from "./grammarError";
import { randomRhm } from "./randomRhm";
import { productDoc } from "./testing/fixtures";

describe("grammar files", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ghm-io-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("write then read returns the same grammar and leaves no temp file", () => {
    const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 1 });
    const file = path.join(dir, "g.json");
    writeGrammarFile(file, g);
    writeGrammarFile(file, g); // overwrite in place
    expect(readGrammarFile(file)).toEqual(g);
    expect(fs.readdirSync(dir)).toEqual(["g.json"]);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).format).toBe("ghm/v1");
  });

  it("refuses to write an invalid grammar and keeps the old file", () => {
    const file = path.join(dir, "g.json");
    const g = parseGrammar(productDoc());
    writeGrammarFile(file, g);
    const before = fs.readFileSync(file, "utf8");
    const bad = { ...g, root: Float64Array.from([0.5, 0.6]) };
    expect(() => writeGrammarFile(file, bad)).toThrow(GrammarError);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    expect(() => writeGrammarFile(path.join(dir, "missing", "g.json"), g)).toThrow(/cannot write grammar file/);
    expect(fs.readdirSync(dir)).toEqual(["g.json"]);
  });

  it("read errors name the file, and GrammarErrors keep their path", () => {
    const file = path.join(dir, "bad.json");
    expect(() => readGrammarFile(file)).toThrow(/bad\.json: cannot read grammar file/);
    fs.writeFileSync(file, "{ not json");
    expect(() => readGrammarFile(file)).toThrow(/bad\.json is not valid JSON/);
    const doc = grammarToJson(parseGrammar(productDoc()));
    (doc.levels[1] as { matrices: number[][][] }).matrices[0][1][0] = 7;
    fs.writeFileSync(file, JSON.stringify(doc));
    let caught: unknown;
    try {
      readGrammarFile(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GrammarError);
    expect((caught as GrammarError).path).toBe("levels[1].matrices[0][1][0]");
    expect((caught as GrammarError).message).toMatch(
      /^levels\[1\]\.matrices\[0\]\[1\]\[0\]: .*got 7 \(in .*bad\.json\)$/,
    );
  });
});
