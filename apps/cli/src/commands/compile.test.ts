import * as path from "node:path";
import { ghm, readJson, tempDir, randomGrammar } from "../testing/harness";

/**
 * Compiled networks as models (issue 13) on product grammars: `ghm compile` writes a model
 * directory that `ghm eval` scores at the Bayes MSE and `ghm diffuse` samples validly, and
 * `ghm train --init compiled` starts there; --approx-width W / --init compiled:W the same with
 * ReLU exp/log. (The RHM case is in bench.test.ts.)
 */
describe("ghm compile -> eval / diffuse / train --init compiled (product grammars)", () => {
  const dir = tempDir();
  // mix 0.3: every entry of M positive (27 tuples per level); mix 0: each symbol's children are
  // fixed permutations of it, so the grammar has C sentences and validity is a real test.
  const P = path.join(dir, "p.json");
  const P0 = path.join(dir, "p0.json");

  beforeAll(async () => {
    for (const [file, mix] of [
      [P, "0.3"],
      [P0, "0"],
    ]) {
      const r = await ghm(
        "grammar",
        "random",
        "--kind",
        "product",
        "--vocab",
        "3",
        "--classes",
        "3",
        "--depth",
        "3",
        "--mix",
        mix,
        "--seed",
        "1",
        "--out",
        file,
      );
      expect(r.code).toBe(0);
    }
  });

  it.each([
    ["mix 0.3", P],
    ["mix 0 (C sentences)", P0],
  ])("%s: the compiled U-Net scores MSE / Bayes 1 in ghm eval and diffuses validly", async (_name, G) => {
    const model = path.join(dir, `m-${path.basename(G, ".json")}`);
    let r = await ghm("-q", "compile", "--grammar", G, "-n", "16", "--sigmas", "1", "--out", model);
    expect(r.code).toBe(0);
    expect(readJson(path.join(model, "ghm-model.json")).arch).toBe("unet");
    r = await ghm("--json", "eval", "--model", model, "--grammar", G, "--test-size", "128", "--abar", "0.5");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.out);
    // A network that computes BP is the Bayes denoiser: MSE = Bayes MSE up to float32 and the evidence clip.
    expect(Math.abs(ev.ratio - 1)).toBeLessThan(1e-3);
    r = await ghm("--json", "diffuse", "--denoiser", model, "--grammar", G, "-n", "64", "--steps", "20", "--seed", "1");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).validity).toBeGreaterThanOrEqual(0.99);
  });

  it("ghm train --init compiled starts at the Bayes MSE (step 0) and a few steps keep it there; config.json records it", async () => {
    const out = path.join(dir, "run");
    const r = await ghm(
      "--json",
      "train",
      "denoiser",
      "--grammar",
      P,
      "--init",
      "compiled",
      "--steps",
      "4",
      "--eval-every",
      "2",
      "--test-size",
      "128",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.start.step).toBe(0);
    expect(Math.abs(res.start.ratio - 1)).toBeLessThan(1e-3);
    // Four warm-up steps (lr up to 2.4e-4) with the compiled zeros held at 0 stay near BP.
    expect(res.lastEval.step).toBe(4);
    expect(Math.abs(res.lastEval.ratio - 1)).toBeLessThan(1e-2);
    const cfg = readJson(path.join(out, "config.json"));
    expect(cfg.net.init).toBe("compiled");
    const metrics = require("node:fs")
      .readFileSync(path.join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l: string) => JSON.parse(l));
    expect(metrics.map((m: { step: number }) => m.step)).toEqual([0, 2, 4]);
  });

  it("--approx-width W writes the ReLU-approximated model (activation lse-relu) for any kernel kind: eval loads it, error falls with W; train --init compiled:W starts from it", async () => {
    const R = path.join(dir, "rhm.json");
    await randomGrammar(R, "--kind rhm --vocab 4 --classes 2 --rules 2 --depth 2 --seed 3");
    const err: Record<number, number> = {};
    for (const W of [8, 64]) {
      const model = path.join(dir, `rhm-w${W}`);
      let r = await ghm(
        "--json",
        "compile",
        "--grammar",
        R,
        "-n",
        "32",
        "--sigmas",
        "1",
        "--approx-width",
        String(W),
        "--out",
        model,
      );
      expect(r.code).toBe(0);
      const res = JSON.parse(r.out);
      expect(res.activation).toBe("lse-relu");
      err[W] = res.errors[0].maxAbsError;
      const meta = readJson(path.join(model, "ghm-model.json"));
      expect(meta.config.activation).toBe("lse-relu");
      expect(meta.config.approxWidth).toBe(W);
      r = await ghm("--json", "eval", "--model", model, "--grammar", R, "--test-size", "64", "--abar", "0.5");
      expect(r.code).toBe(0);
    }
    expect(err[64] * 4).toBeLessThan(err[8]);
    const out = path.join(dir, "run-w64");
    const r = await ghm(
      "--json",
      "train",
      "denoiser",
      "--grammar",
      P,
      "--init",
      "compiled:64",
      "--steps",
      "2",
      "--eval-every",
      "2",
      "--test-size",
      "64",
      "--out",
      out,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const cfg = readJson(path.join(out, "config.json"));
    expect(cfg.net.init).toBe("compiled");
    expect(cfg.net.initApproxWidth).toBe(64);
    // W = 64: the approximated start is near, not at, BP.
    expect(Math.abs(JSON.parse(r.out).start.ratio - 1)).toBeLessThan(0.2);
  });

  it("refuses a malformed compiled:W, --init-noise without --init compiled, and --width with it, exit 2", async () => {
    let r = await ghm("train", "denoiser", "--grammar", P, "--init", "compiled:0", "--out", path.join(dir, "x1"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/compiled:W/);
    r = await ghm("train", "denoiser", "--grammar", P, "--init-noise", "0.01", "--out", path.join(dir, "x2"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--init-noise applies to --init compiled only/);
    r = await ghm(
      "train",
      "denoiser",
      "--grammar",
      P,
      "--init",
      "compiled",
      "--width",
      "64",
      "--out",
      path.join(dir, "x3"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--width does not apply with --init compiled/);
  });
});

/**
 * The model directory carries its grammar (grammar.json), so an RHM model compiled once is
 * evaluated, sampled and trained from without the original file; the ConvNet classifier
 * compiled from a dense grammar scores exactly the Bayes accuracy; --approx-seed is gone.
 */
describe("ghm compile: RHM and dense grammars, the classifier, a model that carries its grammar", () => {
  const dir = tempDir();
  const R = path.join(dir, "rhm.json");
  const D = path.join(dir, "dense.json");

  beforeAll(async () => {
    const fs = require("node:fs");
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
      "1",
      "--out",
      R,
    );
    expect(r.code).toBe(0);
    r = await ghm(
      "grammar",
      "random",
      "--kind",
      "dense",
      "--vocab",
      "3",
      "--classes",
      "2",
      "--depth",
      "3",
      "--seed",
      "4",
      "--out",
      D,
    );
    expect(r.code).toBe(0);
    expect(fs.existsSync(D)).toBe(true);
  });

  it("RHM: eval and diffuse need no --grammar, even after the source grammar is gone; train --init compiled starts at the Bayes MSE", async () => {
    const fs = require("node:fs");
    const model = path.join(dir, "rhm-model");
    let r = await ghm("-q", "compile", "--grammar", R, "-n", "16", "--sigmas", "1", "--out", model);
    expect(r.code).toBe(0);
    expect(readJson(path.join(model, "grammar.json"))).toEqual(readJson(R));
    // Move the model and drop the grammar file it came from: the directory is self-contained.
    const moved = path.join(dir, "moved");
    fs.renameSync(model, moved);
    const copy = path.join(dir, "rhm-copy.json");
    fs.renameSync(R, copy);
    try {
      r = await ghm("--json", "eval", "--model", moved, "--test-size", "256", "--abar", "0.5");
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(Math.abs(JSON.parse(r.out).ratio - 1)).toBeLessThan(1e-3);
      r = await ghm("--json", "diffuse", "--denoiser", moved, "-n", "64", "--steps", "20", "--seed", "1");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).validity).toBeGreaterThanOrEqual(0.99);
    } finally {
      fs.renameSync(copy, R);
    }
    // A different grammar is still refused against the model's fingerprint.
    r = await ghm("eval", "--model", moved, "--grammar", D);
    expect(r.code).toBe(2);
    r = await ghm(
      "--json",
      "train",
      "denoiser",
      "--grammar",
      R,
      "--init",
      "compiled",
      "--steps",
      "2",
      "--eval-every",
      "2",
      "--test-size",
      "128",
      "--out",
      path.join(dir, "rhm-run"),
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.start.step).toBe(0);
    expect(Math.abs(res.start.ratio - 1)).toBeLessThan(1e-3);
  });

  it("dense: the compiled ConvNet's accuracy equals the Bayes accuracy, the U-Net's MSE the Bayes MSE", async () => {
    const conv = path.join(dir, "dense-conv");
    let r = await ghm("-q", "compile", "--grammar", D, "--arch", "convnet", "-n", "8", "--sigmas", "1", "--out", conv);
    expect(r.code).toBe(0);
    expect(readJson(path.join(conv, "ghm-model.json")).arch).toBe("convnet");
    r = await ghm("--json", "eval", "--model", conv, "--test-size", "512");
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.out);
    // The dense grammar is ambiguous (Bayes accuracy well below 1), so equality is a real test.
    expect(ev.bayesAccuracy).toBeLessThan(0.9);
    expect(ev.accuracy).toBe(ev.bayesAccuracy);
    expect(Math.abs(ev.crossEntropy - ev.bayesCrossEntropy)).toBeLessThan(1e-5);
    const unet = path.join(dir, "dense-unet");
    r = await ghm("-q", "compile", "--grammar", D, "-n", "8", "--sigmas", "1", "--out", unet);
    expect(r.code).toBe(0);
    r = await ghm("--json", "eval", "--model", unet, "--test-size", "256", "--abar", "0.5");
    expect(Math.abs(JSON.parse(r.out).ratio - 1)).toBeLessThan(1e-3);
  });

  it("refuses --approx-seed (removed) and an --out that is a non-empty non-model directory, exit 2, writing nothing", async () => {
    const fs = require("node:fs");
    let r = await ghm(
      "compile",
      "--grammar",
      D,
      "--approx-width",
      "8",
      "--approx-seed",
      "1",
      "--out",
      path.join(dir, "s"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--approx-seed was removed/);
    expect(fs.existsSync(path.join(dir, "s"))).toBe(false);
    const junk = path.join(dir, "junk");
    fs.mkdirSync(junk);
    fs.writeFileSync(path.join(junk, "notes.txt"), "mine");
    r = await ghm("compile", "--grammar", D, "--out", junk);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/non-empty directory that is not a model directory/);
    expect(fs.readdirSync(junk)).toEqual(["notes.txt"]);
  });
});
