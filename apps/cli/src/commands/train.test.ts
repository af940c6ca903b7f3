import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, readJson, tempDir } from "../testing/harness";

describe("ghm train (tiny runs on the default grammar)", () => {
  const dir = tempDir();

  it("trains a classifier, writes the run directory and scores against Bayes", async () => {
    const out = path.join(dir, "cls");
    const r = await ghm("--json", "train", "classifier", "--arch", "convnet", "--train-size", "64", "--test-size", "64", "--steps", "6", "--batch", "16", "--width", "8", "--eval-every", "3", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.status).toBe("max-steps");
    expect(res.lastEval.bayesAccuracy).toBeGreaterThan(0.99);
    expect(fs.existsSync(path.join(out, "config.json"))).toBe(true);
    expect(fs.readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("evaluates the run and its saved model against Bayes", async () => {
    const out = path.join(dir, "cls");
    let r = await ghm("--json", "eval", "--model", out, "--test-size", "32");
    expect(r.err).toBe("");
    const m = JSON.parse(r.out);
    expect(m.task).toBe("classifier");
    expect(m.bayesAccuracy).toBeGreaterThan(0.99);
    expect(m.accuracy).toBeGreaterThanOrEqual(0);
    r = await ghm("eval", "--model", path.join(dir, "nope"));
    expect(r.code).toBe(2);
  });

  it("resumes a finished run to more steps and refuses to overwrite a run", async () => {
    const out = path.join(dir, "cls");
    let r = await ghm("--json", "train", "classifier", "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--resume/);
    r = await ghm("--json", "train", "classifier", "--out", out, "--resume", "--steps", "9");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).step).toBe(9);
    expect(readJson(path.join(out, "result.json")).step).toBe(9);
  });

  it("names the bad field of a config file", async () => {
    const cfg = path.join(dir, "bad.json");
    fs.writeFileSync(cfg, JSON.stringify({ optimizer: { lr: -1 } }));
    const r = await ghm("train", "denoiser", "--config", cfg, "--out", path.join(dir, "bad"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("optimizer.lr");
    fs.writeFileSync(cfg, JSON.stringify({ optimiser: {} }));
    const r2 = await ghm("train", "denoiser", "--config", cfg, "--out", path.join(dir, "bad"));
    expect(r2.code).toBe(2);
    expect(r2.err).toContain("optimiser");
  });

  it("trains a tiny denoiser and uses it for diffusion", async () => {
    const out = path.join(dir, "den");
    const G = path.join(dir, "g.json");
    let r = await ghm("grammar", "random", "--kind", "rhm", "--vocab", "8", "--classes", "8", "--rules", "2", "--depth", "3", "--seed", "1", "--out", G);
    expect(r.code).toBe(0);
    r = await ghm("--json", "train", "denoiser", "--grammar", G, "--test-size", "32", "--steps", "4", "--batch", "16", "--width", "8", "--eval-every", "2", "--out", out);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.lastEval.bayesMse).toBeGreaterThan(0);
    r = await ghm("--json", "diffuse", "--grammar", G, "--denoiser", out, "--steps", "5", "-n", "8");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).validity).toBeGreaterThanOrEqual(0);
  });
});
