import * as path from "node:path";
import { ghm, readJson, tempDir, randomGrammar } from "../testing/harness";

describe("ghm bench", () => {
  it("runs the diffusion suite and reports samples/s with sample metrics", async () => {
    const r = await ghm("--json", "bench", "diffusion", "--quick");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    const { n } = res.diffusion.config;
    expect(res.diffusion.samplesPerSecond).toBeCloseTo(n / res.diffusion.seconds, 6);
    // Each sampler beside its floor (the denoiser alone, one call per step), measured in the same run.
    for (const s of [res.diffusion.bp, res.diffusion.unet.device, res.diffusion.unet.host]) {
      expect(s.ratioToFloor).toBeGreaterThan(0);
    }
    expect(res.diffusion.unet.params).toBeGreaterThan(0);
    // The exact BP denoiser generates only sentences of the grammar, at every level.
    const m = res.diffusion.metrics;
    expect(m.validity).toBe(1);
    expect(m.validityPerLevel).toEqual([1, 1, 1, 1]);
    // Every sentence of this RHM (C = 8, k = 2, m = 2, L = 3, unambiguous) has p = 1/8 * (1/2)^7.
    expect(m.meanLogLikelihood).toBeCloseTo(-Math.log(8 * 2 ** 7), 10);
    // Class frequencies of n exact samples from the uniform prior: TV is typically 0.1-0.2 at n = 100
    // and exceeds 0.3 with probability < 1e-3 (Hoeffding over the 2^8 class subsets).
    expect(m.classDistribution.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    expect(m.classTV).toBeLessThan(0.3);
  });

  it("rejects an unknown suite with exit 2", async () => {
    const r = await ghm("bench", "gpu");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown bench suite.*gpu/);
  });
});

describe("ghm compile", () => {
  it("compiles a product grammar whose U-Net matches BP, and whose ReLU version errs more at small width", async () => {
    const dir = tempDir();
    const G = path.join(dir, "p.json");
    await randomGrammar(G, "--kind product --vocab 4 --classes 3 --depth 3 --seed 1");
    let r = await ghm("--json", "compile", "--grammar", G, "-n", "32", "--out", path.join(dir, "exact"));
    expect(r.err).toBe("");
    const exact = JSON.parse(r.out);
    exact.errors.forEach((e: { maxAbsError: number }) => expect(e.maxAbsError).toBeLessThan(1e-4));
    expect(readJson(path.join(dir, "exact", "compiled.json")).grammar.format).toBe("ghm/v1");
    r = await ghm(
      "--json",
      "compile",
      "--grammar",
      G,
      "-n",
      "32",
      "--approx-width",
      "4",
      "--out",
      path.join(dir, "w4"),
    );
    const w4 = JSON.parse(r.out);
    expect(w4.errors[0].maxAbsError).toBeGreaterThan(exact.errors[0].maxAbsError);
  });

  it("compiles an RHM into a model that ghm eval scores at the Bayes MSE and that diffuses validly", async () => {
    const dir = tempDir();
    const G = path.join(dir, "r.json");
    await randomGrammar(G, "--kind rhm --vocab 4 --classes 2 --rules 2 --depth 2 --seed 3");
    const model = path.join(dir, "m");
    let r = await ghm("-q", "compile", "--grammar", G, "-n", "32", "--out", model);
    expect(r.code).toBe(0);
    r = await ghm("--json", "eval", "--model", model, "--grammar", G, "--test-size", "128");
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.out);
    // A network that computes BP is the Bayes denoiser: its MSE equals the Bayes MSE up to float32.
    const ratio = ev.population?.ratio ?? ev.ratio;
    expect(Math.abs(ratio - 1)).toBeLessThan(1e-3);
    r = await ghm("--json", "diffuse", "--denoiser", model, "--grammar", G, "-n", "64", "--steps", "20", "--seed", "1");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).validity).toBeGreaterThanOrEqual(0.99);
  });
});
