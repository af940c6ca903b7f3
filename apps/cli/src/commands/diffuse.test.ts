import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, readJson, tempDir } from "../testing/harness";

describe("ghm diffuse / forward-backward with the exact BP denoiser", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  const D = path.join(dir, "d.json");

  beforeAll(async () => {
    await ghm("grammar", "random", "--kind", "rhm", "--vocab", "6", "--classes", "3", "--rules", "2", "--depth", "2", "--seed", "2", "--out", G);
    await ghm("sample", "--grammar", G, "-n", "50", "--seed", "1", "--out", D);
  });

  it.each([["vp"], ["uniform"], ["mask"]])("%s process generates valid sequences and writes them", async (process) => {
    const S = path.join(dir, `s-${process}.json`);
    const r = await ghm("--json", "diffuse", "--grammar", G, "--denoiser", "bp-joint", "--process", process, "--steps", "20", "-n", "40", "--seed", "3", "--train", D, "--out", S);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.validity).toBeGreaterThanOrEqual(0.9);
    expect(m.copyFraction).toBeGreaterThanOrEqual(0);
    const file = readJson(S);
    expect(file.x).toHaveLength(40);
    expect(file.metrics.validity).toBe(m.validity);
  });

  it("forward-backward keeps the class at low noise and loses it at high noise", async () => {
    const r = await ghm("--json", "forward-backward", "--grammar", G, "--abars", "0.999,1e-4", "-n", "200");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows[0].classAgreement).toBeGreaterThan(0.95);
    expect(rows[1].classAgreement).toBeLessThan(0.6);
  });

  it("--train RUN_DIR reads the run's train.json; a directory without one exits 2", async () => {
    const run = path.join(dir, "run");
    fs.mkdirSync(run, { recursive: true });
    fs.copyFileSync(D, path.join(run, "train.json"));
    const args = ["--json", "diffuse", "--grammar", G, "--denoiser", "bp", "--steps", "10", "-n", "30", "--seed", "4"];
    const byFile = JSON.parse((await ghm(...args, "--train", D)).out);
    const byDir = JSON.parse((await ghm(...args, "--train", run)).out);
    expect(byDir.copyFraction).toBe(byFile.copyFraction);
    expect(byDir.copyFraction).not.toBeNull();
    const r = await ghm(...args, "--train", path.join(dir));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no train.json/);
  });

  it("rejects a missing model directory with exit 2", async () => {
    const r = await ghm("diffuse", "--grammar", G, "--denoiser", path.join(dir, "nope"), "-n", "2");
    expect(r.code).toBe(2);
  });
});
