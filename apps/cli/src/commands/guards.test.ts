/**
 * Impossible sizes asked for on the command line are refused with exit code 2 and a
 * message giving the estimate and the limit, before anything is allocated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, tempDir, randomGrammar } from "../testing/harness";

describe("CLI size guards", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");

  beforeAll(async () => {
    await randomGrammar(G, "--kind rhm --vocab 8 --classes 8 --rules 2 --depth 3 --seed 1");
  });

  test("grammar random: a dense level, or 64 levels together, beyond 2^27 entries", async () => {
    let r = await ghm(
      "grammar",
      "random",
      "--kind",
      "dense",
      "--vocab",
      "64",
      "--arity",
      "6",
      "--out",
      path.join(dir, "x.json"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dense kernel K_1 would hold .* entries \(~.*\), above the limit of 134217728 entries/);
    r = await ghm(
      "grammar",
      "random",
      "--kind",
      "dense",
      "--vocab",
      "512",
      "--classes",
      "512",
      "--depth",
      "64",
      "--out",
      path.join(dir, "x.json"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/64 levels would hold 8\.590e\+9 entries together \(~64\.0 GiB\), above the limit/);
    expect(fs.existsSync(path.join(dir, "x.json"))).toBe(false);
  });

  test("grammar info: a file whose header asks for a huge dense table is refused from the header", async () => {
    const file = path.join(dir, "huge.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: "ghm/v1",
        depth: 1,
        arity: 8,
        vocab: [1000, 1000],
        root: [],
        levels: [{ kind: "dense", tensor: [] }],
      }),
    );
    const r = await ghm("grammar", "info", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /levels\[0\]: dense kernel K_1 would hold S_0 \* S_1\^m = 1000 \* 1000\^8 = 1\.000e\+27 entries/,
    );
  });

  test("sample -n: more symbols than a JSON data file may hold", async () => {
    const r = await ghm("sample", "--grammar", G, "-n", "10000000", "--out", path.join(dir, "d.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/-n 10000000: 80000000 symbols exceed the limit of 50000000/);
  });
});
