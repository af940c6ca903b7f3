import * as path from "node:path";
import { ghm, readJson, tempDir } from "../testing/harness";

/**
 * Compiled networks as models (issue 13) on product grammars: `ghm compile` writes a model
 * directory that `ghm eval` scores at the Bayes MSE and `ghm diffuse` samples validly, and
 * `ghm train --init compiled` starts there. (The RHM case is in bench.test.ts.)
 */
describe("ghm compile -> eval / diffuse / train --init compiled (product grammars)", () => {
  const dir = tempDir();
  // mix 0.3: every entry of M positive (27 tuples per level); mix 0: each symbol's children are
  // fixed permutations of it, so the grammar has C sentences and validity is a real test.
  const P = path.join(dir, "p.json");
  const P0 = path.join(dir, "p0.json");

  beforeAll(async () => {
    for (const [file, mix] of [[P, "0.3"], [P0, "0"]]) {
      const r = await ghm("grammar", "random", "--kind", "product", "--vocab", "3", "--classes", "3", "--depth", "3", "--mix", mix, "--seed", "1", "--out", file);
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
    const r = await ghm("--json", "train", "denoiser", "--grammar", P, "--init", "compiled", "--steps", "4", "--eval-every", "2", "--test-size", "128", "--out", out);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.start.step).toBe(0);
    expect(Math.abs(res.start.ratio - 1)).toBeLessThan(1e-3);
    // Four warm-up steps (lr up to 2.4e-4) with the compiled zeros held at 0 stay near BP.
    expect(res.lastEval.step).toBe(4);
    expect(Math.abs(res.lastEval.ratio - 1)).toBeLessThan(1e-2);
    const cfg = readJson(path.join(out, "config.json"));
    expect(cfg.net.init).toBe("compiled");
    const metrics = require("node:fs").readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l: string) => JSON.parse(l));
    expect(metrics.map((m: { step: number }) => m.step)).toEqual([0, 2, 4]);
  });

  it("refuses compiled:W (no ReLU U-Net model yet), --init-noise without --init compiled, and --width with it, exit 2", async () => {
    let r = await ghm("train", "denoiser", "--grammar", P, "--init", "compiled:8", "--out", path.join(dir, "x1"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--approx-width 8/);
    expect(r.err).toMatch(/--init compiled/);
    r = await ghm("train", "denoiser", "--grammar", P, "--init-noise", "0.01", "--out", path.join(dir, "x2"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--init-noise applies to --init compiled only/);
    r = await ghm("train", "denoiser", "--grammar", P, "--init", "compiled", "--width", "64", "--out", path.join(dir, "x3"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--width does not apply with --init compiled/);
  });
});
