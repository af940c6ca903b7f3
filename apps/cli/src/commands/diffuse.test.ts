import * as fs from "node:fs";
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { exactEvidence, leafCount, readGrammarFile } from "@ghmkit/ghm";
import { ghm, readJson, tempDir } from "../testing/harness";

/** log p(x) of each row under the grammar (exact BP on clean evidence). */
function logp(G: string, x: number[][]): number[] {
  const g = readGrammarFile(G);
  const d = leafCount(g);
  return Array.from(runBP(g, exactEvidence(x.flat(), x.length, d, g.vocab[g.depth]), { downward: false }).logZ);
}

describe("ghm diffuse / forward-backward with the exact BP denoiser", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  const D = path.join(dir, "d.json");
  const n = 400;

  beforeAll(async () => {
    await ghm(
      "grammar",
      "random",
      "--kind",
      "rhm",
      "--vocab",
      "6",
      "--classes",
      "3",
      "--rules",
      "2",
      "--depth",
      "2",
      "--seed",
      "2",
      "--out",
      G,
    );
    await ghm("sample", "--grammar", G, "-n", "50", "--seed", "1", "--out", D);
  });

  it.each([["vp"], ["uniform"], ["mask"]])(
    "%s process with exact joint draws samples the grammar: every sample valid, classes and copies as p(x) says",
    async (process) => {
      const S = path.join(dir, `s-${process}.json`);
      const r = await ghm(
        "--json",
        "diffuse",
        "--grammar",
        G,
        "--denoiser",
        "bp-joint",
        "--process",
        process,
        "--steps",
        "20",
        "-n",
        String(n),
        "--seed",
        "3",
        "--train",
        D,
        "--out",
        S,
      );
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const m = JSON.parse(r.out);
      const file = readJson(S);
      expect(file.x).toHaveLength(n);
      // Exact ancestral sampling never leaves the grammar's support: validity is exactly 1, at every level,
      // and the metrics agree with an independent BP pass over the written samples.
      expect(m.validity).toBe(1);
      expect(m.validityPerLevel).toEqual([1, 1, 1]);
      expect(logp(G, file.x).every((l) => Number.isFinite(l))).toBe(true);
      expect(file.metrics).toEqual(
        JSON.parse(
          JSON.stringify({
            ...m,
            seconds: undefined,
            samplesPerSecond: undefined,
            config: undefined,
            trainedFor: undefined,
            matchesTraining: undefined,
          }),
        ),
      );
      // Class frequencies of n exact draws: E[TV] <= 1/2 sum_c sqrt(pi_c (1 - pi_c) / n) <= 1/2 sqrt((C - 1) / n); allow 3 times that.
      // A sampler that loses the class (one class only) has TV >= 1 - max pi, about 0.6 here.
      expect(m.classTV).toBeLessThan(3 * 0.5 * Math.sqrt((3 - 1) / n));
      // Copy fraction of exact draws: the probability mass of the training set's distinct sentences, within 4 binomial sd.
      const train = readJson(D).x as number[][];
      const distinct = [...new Map(train.map((x) => [x.join(","), x])).values()];
      const mass = logp(G, distinct).reduce((s, l) => s + Math.exp(l), 0);
      expect(mass).toBeGreaterThan(0.3);
      expect(mass).toBeLessThan(1 + 1e-9);
      expect(Math.abs(m.copyFraction - mass)).toBeLessThan(4 * Math.sqrt((mass * (1 - mass)) / n) + 1e-9);
      expect(m.copyFraction).toBeCloseTo(
        file.x.filter((x: number[]) => train.some((t) => t.join() === x.join())).length / n,
        12,
      );
      // The BP denoiser has no saved sampler: the defaults (linear schedule) and the flags are used.
      expect(m.config).toMatchObject({
        process,
        steps: 20,
        schedule: { kind: "linear", T: 1000 },
        denoiser: "bp-joint",
      });
      expect(m.trainedFor).toBeNull();
    },
  );

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

describe("ghm diffuse --denoiser RUN samples as the run was trained", () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  const run = path.join(dir, "run");
  const trainedFor = { process: "vp", schedule: "cosine", steps: 7, sampler: "ddim" };

  beforeAll(async () => {
    await ghm(
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
      "2",
      "--out",
      G,
    );
    const C = path.join(dir, "c.json");
    fs.writeFileSync(C, JSON.stringify({ diffusion: { schedule: "cosine", steps: 7, sampler: "ddim" }, evalAbar: [] }));
    const r = await ghm(
      "--quiet",
      "train",
      "denoiser",
      "--grammar",
      G,
      "--config",
      C,
      "--steps",
      "2",
      "--width",
      "4",
      "--train-size",
      "16",
      "--test-size",
      "16",
      "--batch",
      "8",
      "--out",
      run,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  it("the run saves the sampler and trains on its levels", () => {
    const cfg = readJson(path.join(run, "config.json"));
    expect(cfg.diffusion).toEqual(trainedFor);
    expect(cfg.noise).toMatchObject({ kind: "gaussian", sampling: "schedule", schedule: "cosine", steps: 7 });
  });

  it("without flags: the saved schedule, steps and sampler", async () => {
    for (const denoiser of [run, path.join(run, "checkpoints", "step-00000002", "model")]) {
      const r = await ghm("--json", "diffuse", "--grammar", G, "--denoiser", denoiser, "-n", "8", "--seed", "1");
      expect(r.code).toBe(0);
      const m = JSON.parse(r.out);
      expect(m.config).toMatchObject({
        process: "vp",
        sampler: "ddim",
        steps: 7,
        schedule: { kind: "cosine", T: 1000 },
      });
      expect(m.trainedFor).toEqual(trainedFor);
      expect(m.matchesTraining).toBe(true);
    }
  });

  it("flags override, and the output says the denoiser was trained for another schedule", async () => {
    const r = await ghm(
      "--json",
      "diffuse",
      "--grammar",
      G,
      "--denoiser",
      run,
      "--schedule",
      "linear",
      "--steps",
      "5",
      "-n",
      "8",
      "--seed",
      "1",
    );
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.config).toMatchObject({ sampler: "ddim", steps: 5, schedule: { kind: "linear", T: 1000 } });
    expect(m.matchesTraining).toBe(false);
    const human = await ghm(
      "diffuse",
      "--grammar",
      G,
      "--denoiser",
      run,
      "--sampler",
      "ddpm",
      "-n",
      "8",
      "--seed",
      "1",
    );
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/cosine schedule, 7 ddpm steps/);
    expect(human.out).toMatch(
      /note: the denoiser was trained for vp, cosine schedule \(T = 1000\), 7 ddim steps; sampling with vp, cosine schedule \(T = 1000\), 7 ddpm steps \(sampler set by flags\)/,
    );
  });
});
