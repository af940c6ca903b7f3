import * as fs from "node:fs";
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { grammarFingerprint, readGrammarFile } from "@ghmkit/ghm";
import { makeStreams, makeTestData, makeTrainConfig, type TrainConfig } from "@ghmkit/train";
import { ghm, readJson, tempDir } from "../testing/harness";

/** The run's population test set (testSize rows), its Bayes accuracy and cross-entropy from BP, and how many rows are in train.json. */
function handCount(out: string, testSize: number): { overlap: number; bayesAccuracy: number; bayesCE: number } {
  const saved = readJson(path.join(out, "config.json")) as TrainConfig;
  const cfg = makeTrainConfig(saved.task, saved.arch, { ...saved, data: { ...saved.data, testSize } });
  const g = readGrammarFile(path.join(out, "grammar.json"));
  const t = makeTestData(g, cfg, makeStreams(cfg)).main;
  const train = new Set((readJson(path.join(out, "train.json")).x as number[][]).map((r) => r.join(",")));
  let inTrain = 0;
  for (let r = 0; r < t.n; r++) if (train.has(t.x.subarray(r * t.d, (r + 1) * t.d).join(","))) inTrain++;
  const post = runBP(g, t.evidence, { downward: false }).root;
  let hits = 0;
  let ce = 0;
  for (let r = 0; r < t.n; r++) {
    const row = post.subarray(r * 8, r * 8 + 8);
    if (row.indexOf(Math.max(...row)) === t.y[r]) hits++;
    ce -= Math.log(row[t.y[r]]);
  }
  return { overlap: inTrain / t.n, bayesAccuracy: hits / t.n, bayesCE: ce / t.n };
}

describe("ghm train (tiny runs on the default grammar)", () => {
  const dir = tempDir();

  it("trains a classifier, writes the run directory and scores against Bayes", async () => {
    const out = path.join(dir, "cls");
    const r = await ghm(
      "--json",
      "train",
      "classifier",
      "--arch",
      "convnet",
      "--train-size",
      "64",
      "--test-size",
      "64",
      "--steps",
      "6",
      "--batch",
      "16",
      "--width",
      "8",
      "--eval-every",
      "3",
      "--out",
      out,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.status).toBe("max-steps");
    const hand = handCount(out, 64);
    expect(res.lastEval.bayesAccuracy).toBe(hand.bayesAccuracy);
    expect(res.lastEval.bayesAccuracy).toBe(1);
    expect(res.lastEval.bayesCrossEntropy).toBeCloseTo(hand.bayesCE, 12);
    // 64 training draws of a grammar with 1024 sentences: the overlap is the hand count, and 64 unseen rows exist.
    expect(res.lastEval.overlap).toBe(hand.overlap);
    expect(res.lastEval.unseenRequested).toBe(64);
    expect(res.lastEval.unseenCount).toBe(64);
    expect(res.lastEval.unseen.n).toBe(64);
    expect(res.lastEval.unseen.bayesAccuracy).toBe(1);
    expect(res.lastEval.unseen.gap).toBeCloseTo(1 - res.lastEval.unseen.accuracy, 12);
    expect(res.lastEval.unseenNote).toBeUndefined();
    expect(res.grammarFingerprint).toBe(grammarFingerprint(readGrammarFile(path.join(out, "grammar.json"))));
    expect(fs.existsSync(path.join(out, "config.json"))).toBe(true);
    expect(fs.readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("evaluates the run and its saved model against Bayes", async () => {
    const out = path.join(dir, "cls");
    let r = await ghm("--json", "eval", "--model", out, "--test-size", "32");
    expect(r.err).toBe("");
    const m = JSON.parse(r.out);
    expect(m.task).toBe("classifier");
    const hand = handCount(out, 32);
    expect(m.bayesAccuracy).toBe(hand.bayesAccuracy);
    expect(m.bayesCrossEntropy).toBeCloseTo(hand.bayesCE, 12);
    expect(m.overlap).toBe(hand.overlap);
    expect(m.unseenCount).toBe(32);
    expect(m.unseen.n).toBe(32);
    expect(m.unseen.bayesAccuracy).toBe(1);
    expect(Number.isInteger(m.unseen.accuracy * 32)).toBe(true);
    expect(m.grammarFingerprint).toBe(grammarFingerprint(readGrammarFile(path.join(out, "grammar.json"))));
    expect(m.grammarMismatch).toBeUndefined();
    r = await ghm("eval", "--model", out, "--test-size", "32");
    expect(r.out).toMatch(/population: 32 fresh test sequences; [\d.]+% of them are training sequences/);
    expect(r.out).toContain("unseen: 32 of 32 requested test sequences, none of them a training sequence");
    r = await ghm("eval", "--model", path.join(dir, "nope"));
    expect(r.code).toBe(2);
    // A bare model directory has no training data: population only, unseen unavailable.
    r = await ghm(
      "--json",
      "eval",
      "--model",
      path.join(out, "checkpoints", "step-00000006", "model"),
      "--grammar",
      path.join(out, "grammar.json"),
      "--test-size",
      "32",
    );
    expect(r.code).toBe(0);
    const bare = JSON.parse(r.out);
    expect(bare.bayesAccuracy).toBe(hand.bayesAccuracy);
    expect(bare.overlap).toBeNull();
    expect(bare.unseen).toBeNull();
    expect(bare.unseenNote).toMatch(/unseen is unavailable/);
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
    // The schema takes any architecture name (plug-ins register theirs); nets' registry refuses an unknown one.
    fs.writeFileSync(cfg, JSON.stringify({ arch: "no-such-net" }));
    const r3 = await ghm("train", "denoiser", "--config", cfg, "--out", path.join(dir, "bad"));
    expect(r3.code).toBe(2);
    expect(r3.err).toContain("no-such-net");
  });

  it("trains a tiny denoiser and uses it for diffusion", async () => {
    const out = path.join(dir, "den");
    const G = path.join(dir, "g.json");
    let r = await ghm(
      "grammar",
      "random",
      "--kind",
      "rhm",
      "--vocab",
      "8",
      "--classes",
      "8",
      "--rules",
      "2",
      "--depth",
      "3",
      "--seed",
      "1",
      "--out",
      G,
    );
    expect(r.code).toBe(0);
    r = await ghm(
      "--json",
      "train",
      "denoiser",
      "--grammar",
      G,
      "--test-size",
      "32",
      "--steps",
      "4",
      "--batch",
      "16",
      "--width",
      "8",
      "--eval-every",
      "2",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.lastEval.bayesMse).toBeGreaterThan(0);
    r = await ghm("--json", "diffuse", "--grammar", G, "--denoiser", out, "--steps", "5", "-n", "8");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).validity).toBeGreaterThanOrEqual(0);
    // The run holds its grammar: --grammar is optional.
    r = await ghm("--json", "diffuse", "--denoiser", out, "--steps", "5", "-n", "8");
    expect(r.code).toBe(0);
    // Online run (P = 0): unseen = the population rows not drawn for training by the checkpoint; 4 steps x 16 draws.
    r = await ghm("--json", "eval", "--model", out, "--test-size", "32");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.unseenCount + Math.round(m.overlap * 32)).toBe(32);
    expect(m.overlap).toBeGreaterThan(0);
    expect(m.unseenNote).toMatch(/^online training: unseen = the \d+ of 32 population test rows/);
    expect(m.unseen.levels.map((l: { abar: number }) => l.abar)).toEqual([0.25, 0.5, 0.75]);
  });
  it("--threads 2 trains data-parallel, saves threads in config.json and may change on --resume; a bad count exits 2", async () => {
    const out = path.join(dir, "threads");
    const args = ["train", "denoiser", "--test-size", "32", "--batch", "8", "--width", "8", "--eval-every", "2"];
    const r = await ghm("--json", ...args, "--steps", "2", "--threads", "2", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).status).toBe("max-steps");
    expect((readJson(path.join(out, "config.json")) as TrainConfig).threads).toBe(2);
    const resumed = await ghm(
      "--json",
      "train",
      "denoiser",
      "--out",
      out,
      "--resume",
      "--steps",
      "4",
      "--threads",
      "1",
    );
    expect(resumed.err).toBe("");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out).step).toBe(4);
    expect((readJson(path.join(out, "config.json")) as TrainConfig).threads).toBe(1);
    const bad = await ghm(...args, "--threads", "0", "--out", path.join(dir, "threads-bad"));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--threads.*expected an integer in \[1, 256\], got 0/);
  });
});
