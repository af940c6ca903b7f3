/**
 * The CLI as a newcomer meets it: one-line errors (JSON with --json), `-` for
 * stdin/stdout, `ghm bp --data` with the noise flags, flags that do not apply
 * refused, one short backend line, and the evidence JSON shared with the library.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { evidenceFromJson, evidenceToJson, exactEvidence, parseGrammar } from "@ghmkit/ghm";
import { ghm, ghmWithStdin, readJson, tempDir, randomGrammar } from "../testing/harness";
import { shortBackend } from "../backend";
import { errorField } from "../errorOutput";

describe("newcomer", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  beforeAll(async () => {
    await randomGrammar(G, "--kind rhm --vocab 4 --classes 2 --rules 2 --depth 2 --seed 1");
  });

  test("option-parsing errors are one line; with --json also a JSON error object on stdout, same exit code", async () => {
    let r = await ghm("sample", "--grammar", G, "-n", "3", "--bogus", "--out", "x.json");
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^ghm: unknown option '--bogus' \(see --help\)\n$/);
    expect(r.out).toBe("");
    r = await ghm("--json", "sample", "--grammar", G, "--out", "x.json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      error: {
        code: "usage",
        message: expect.stringMatching(/required option '-n, --n <count>' not specified/),
        field: "-n",
      },
    });
    r = await ghm("--json", "bp", "--grammar", path.join(dir, "missing.json"), "--data", G);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error).toMatchObject({ code: "invalid_input", field: "--grammar" });
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(errorField("noise: sigma must be > 0")).toBe("noise");
  });

  test("a flag that does not apply to the chosen mode is an error that says why", async () => {
    const D = path.join(dir, "d.json");
    expect((await ghm("sample", "--grammar", G, "-n", "4", "--out", D)).code).toBe(0);
    let r = await ghm("classify", "--grammar", G, "--data", D, "--noise", "gaussian", "--keep", "0.3");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--keep applies to --noise uniform only, not to --noise gaussian/);
    r = await ghm("denoise", "--grammar", G, "--data", D, "--noise", "exact", "--sigma", "2");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--sigma applies to --noise gaussian only, not to --noise exact \(exact leaves have no noise\)/,
    );
    r = await ghm("grammar", "random", "--kind", "rhm", "--mix", "0.2", "--out", path.join(dir, "x.json"));
    expect(r.err).toMatch(/--mix applies to --kind product only/);
    r = await ghm("bp", "--grammar", G, "--evidence", D, "--sigma", "1");
    expect(r.err).toMatch(/--sigma applies to --data only/);
    // The library's size refusal points at its maxEntries option, which the CLI has no flag for: the message says so.
    r = await ghm(
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
    expect(r.err).toMatch(
      /above the limit of 134217728 entries; .*\(the CLI's limit is fixed; library calls take a larger maxEntries option\)/,
    );
    expect(r.err).not.toMatch(/or raise maxEntries/);
    r = await ghm("diffuse", "--grammar", G, "--process", "mask", "--sampler", "ddim", "-n", "2");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--sampler ddim applies to --process vp only/);
  });

  test("pipes: grammar and sample write to stdout with --out -, bp and grammar info read stdin with -", async () => {
    let r = await ghm(
      "grammar",
      "random",
      "--kind",
      "rhm",
      "--vocab",
      "4",
      "--classes",
      "2",
      "--rules",
      "2",
      "--depth",
      "2",
      "--seed",
      "1",
      "--out",
      "-",
    );
    expect(r.code).toBe(0);
    const gText = r.out;
    expect(JSON.parse(gText)).toEqual(readJson(G));
    expect(r.err).toMatch(/wrote stdout/);
    r = await ghmWithStdin(gText, "--json", "grammar", "info", "-");
    expect(JSON.parse(r.out)).toMatchObject({ depth: 2, d: 4 });
    r = await ghm("sample", "--grammar", G, "-n", "5", "--seed", "2", "--out", "-");
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out);
    expect(data).toMatchObject({ format: "ghm-data/v1", n: 5 });
    // ghm sample ... --out - | ghm bp --data - --noise gaussian ... --json: MAP and samples on stdout.
    const bp = await ghmWithStdin(
      r.out,
      "--json",
      "bp",
      "--grammar",
      G,
      "--data",
      "-",
      "--noise",
      "gaussian",
      "--sigma",
      "0.5",
      "--map",
      "--samples",
      "2",
    );
    expect(bp.code).toBe(0);
    const res = JSON.parse(bp.out);
    expect(res.logZ).toHaveLength(5);
    expect(res.map.tree).toHaveLength(3);
    expect(res.samples).toHaveLength(2);
    // --data with exact noise equals an exact --evidence file.
    const E = path.join(dir, "e.json");
    fs.writeFileSync(E, JSON.stringify({ kind: "exact", x: data.x }));
    const a = JSON.parse((await ghmWithStdin(r.out, "--json", "bp", "--grammar", G, "--data", "-")).out);
    const b = JSON.parse((await ghm("--json", "bp", "--grammar", G, "--evidence", E)).out);
    expect(a.logZ).toEqual(b.logZ);
    // Two inputs cannot both be stdin.
    const two = await ghmWithStdin(gText, "bp", "--grammar", "-", "--data", "-");
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/stdin is already read by --grammar/);
  });

  test("the evidence JSON of the CLI goes straight to the library: runBP(g, evidenceFromJson(json, g))", () => {
    const g = parseGrammar(readJson(G));
    const x = [
      [0, 1, 2, 3],
      [1, 1, 0, 2],
    ];
    const ev = evidenceFromJson({ kind: "masked", x: [[0, -1, 2, 3]] }, g);
    expect(ev).toMatchObject({ batch: 1, d: 4, S: 4 });
    expect(runBP(g, ev).logZ).toHaveLength(1);
    const exact = exactEvidence(x.flat(), 2, 4, 4);
    expect(evidenceFromJson(JSON.parse(JSON.stringify(evidenceToJson(exact))), g).e).toEqual(exact.e);
    expect(() => evidenceFromJson({ kind: "exact", x: [[0, 1]] }, g)).toThrow(/x\[0\]: has 2 leaves/);
  });

  test("one short backend line; the details with --verbose", () => {
    const info = {
      name: "wasm" as const,
      tfBackend: "wasm",
      reason:
        "auto: tfjs-node unavailable (The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/y.node. )",
      customKernels: [],
    };
    expect(shortBackend(info)).toBe("wasm (tfjs-node not installed)");
    expect(shortBackend({ ...info, name: "node", reason: "auto: @tensorflow/tfjs-node loaded" })).toBe(
      "node (tfjs-node)",
    );
    const gpuAbsent = "tfjs-node-gpu unavailable (Cannot find module '@tensorflow/tfjs-node-gpu')";
    expect(shortBackend({ ...info, reason: `auto: ${gpuAbsent}; ${info.reason.slice("auto: ".length)}` })).toBe(
      "wasm (tfjs-node not installed)",
    );
    expect(
      shortBackend({ ...info, reason: `auto: ${gpuAbsent}; tfjs-node unavailable (it resolved a different copy)` }),
    ).toBe("wasm (tfjs-node failed to load)");
    expect(shortBackend({ ...info, name: "node-gpu", reason: "auto: @tensorflow/tfjs-node-gpu loaded" })).toBe(
      "node-gpu (tfjs-node-gpu)",
    );
    expect(shortBackend({ ...info, name: "cpu", reason: "requested via GHM_BACKEND" })).toBe(
      "cpu (requested via GHM_BACKEND)",
    );
  });
});
