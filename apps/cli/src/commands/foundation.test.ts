import * as fs from "node:fs";
import * as path from "node:path";
import { logLikelihood } from "@ghmkit/bp";
import { parseGrammar } from "@ghmkit/ghm";
import { ghm, readJson, tempDir } from "../testing/harness";

describe("ghm grammar / sample / bp / classify / denoise", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  const D = path.join(dir, "d.json");

  it("makes, inspects and samples a grammar", async () => {
    let r = await ghm(
      "grammar",
      "random",
      "--kind",
      "rhm",
      "--vocab",
      "8",
      "--classes",
      "4",
      "--rules",
      "2",
      "--depth",
      "3",
      "--seed",
      "3",
      "--out",
      G,
    );
    expect(r).toMatchObject({ code: 0 });
    r = await ghm("--json", "grammar", "info", G);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ depth: 3, arity: 2, d: 8, classes: 4 });
    r = await ghm("sample", "--grammar", G, "-n", "20", "--seed", "5", "--tree", "--out", D);
    expect(r.code).toBe(0);
    const data = readJson(D);
    expect(data.x).toHaveLength(20);
    expect(data.tree).toHaveLength(4);
    expect(data.tree[0].map((t: number[]) => t[0])).toEqual(data.y);
  });

  it("runs BP on exact evidence: logZ is log p(x) and the leaf marginals are the data", async () => {
    const data = readJson(D);
    const E = path.join(dir, "e.json");
    const R = path.join(dir, "r.json");
    fs.writeFileSync(E, JSON.stringify({ kind: "exact", x: data.x }));
    const r = await ghm("bp", "--grammar", G, "--evidence", E, "--out", R, "--samples", "2", "--map");
    expect(r.code).toBe(0);
    const res = readJson(R);
    const g = parseGrammar(readJson(G));
    const ll = logLikelihood(g, Int32Array.from(data.x.flat()), data.x.length);
    res.logZ.forEach((z: number, b: number) => expect(z).toBeCloseTo(ll[b], 10));
    expect(res.marginals).toHaveLength(4);
    expect(res.marginals[3][0][0][data.x[0][0]]).toBeCloseTo(1, 12);
    expect(res.samples[0][3]).toEqual(data.x);
    expect(res.map.tree[3]).toEqual(data.x);
  });

  it("scores the Bayes classifier and denoiser", async () => {
    let r = await ghm("--json", "classify", "--grammar", G, "--data", D);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out);
    expect(c.bayesAccuracy).toBeGreaterThan(0.99); // the RHM is unambiguous: exact leaves determine the class
    r = await ghm("--json", "denoise", "--grammar", G, "--data", D, "--noise", "gaussian", "--sigma", "1.5");
    expect(r.code).toBe(0);
    const dn = JSON.parse(r.out);
    expect(dn.bayesMSE).toBeGreaterThan(0);
    expect(dn.bayesMSE).toBeLessThan(1);
  });

  it("reports impossible evidence as null, never NaN", async () => {
    const E = path.join(dir, "bad.json");
    const R = path.join(dir, "bad-r.json");
    const S = readJson(G).vocab[3];
    const h = [
      Array.from({ length: 8 }, (_, i) => Array.from({ length: S }, (_, s) => (i === 0 ? null : s === 0 ? 0 : null))),
    ];
    fs.writeFileSync(E, JSON.stringify({ kind: "logits", h }));
    const r = await ghm("bp", "--grammar", G, "--evidence", E, "--out", R);
    expect(r.code).toBe(0);
    const res = readJson(R);
    expect(res.logZ).toEqual([null]);
    expect(res.impossible).toEqual([true]);
    expect(JSON.stringify(res)).not.toContain("NaN");
  });
});

describe("user errors exit 2 with a one-line message and write nothing", () => {
  const dir = tempDir();

  it.each([
    [["grammar", "random", "--depth", "0", "--out", "x.json"], /--depth/],
    [
      ["grammar", "random", "--kind", "rhm", "--vocab", "2", "--classes", "8", "--rules", "4", "--out", "OUT"],
      /rules|impossible|S\^m|tuples/i,
    ],
    [["grammar", "info", "/nonexistent/g.json"], /no such file/],
    [["sample", "--grammar", "/nonexistent/g.json", "-n", "3", "--out", "OUT"], /no such file/],
    [["sample", "-n", "3", "--out", "OUT"], /--grammar/],
    [["bogus"], /unknown command/],
  ])("%j", async (argv, message) => {
    const out = path.join(dir, "out.json");
    const r = await ghm(...argv.map((a) => (a === "OUT" ? out : a)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("names the bad field of a grammar file", async () => {
    const G = path.join(dir, "g.json");
    await ghm("grammar", "random", "--kind", "product", "--vocab", "3", "--classes", "2", "--depth", "2", "--out", G);
    const g = readJson(G);
    g.levels[1].matrices[0][1][2] = 7;
    fs.writeFileSync(G, JSON.stringify(g));
    const r = await ghm("grammar", "info", G);
    expect(r.code).toBe(2);
    expect(r.err).toContain("levels[1].matrices[0][1]");
  });

  it("--help exits 0", async () => {
    const r = await ghm("bp", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("--evidence");
  });
});

test("ghm --version prints the package version and exits 0", async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
  for (const flag of ["--version", "-V"]) {
    const r = await ghm(flag);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  }
});
