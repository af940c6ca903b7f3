import * as fs from "node:fs";
import { linearSchedule, makeSchedule } from "@ghmkit/diffusion";
import { makeTrainConfig } from "@ghmkit/train";
import * as path from "node:path";
import { readJson, runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import { diffusion, type DiffusionConfig, samplerAbarRange } from "./diffusion";

test("diffusion (tiny): BP-joint samples are valid at every level, exact metrics on the default RHM, copy expectation from the training set", async () => {
  const dir = path.join(tempDir(), "df");
  const { rows, summary, report } = await runTiny("diffusion", dir);
  const samples = rows.filter((r) => r.kind === "samples");
  // 2 references + 1 U-Net, 2 seeds, 1 P.
  expect(samples).toHaveLength(6);
  expect(rows.filter((r) => r.kind === "level")).toHaveLength(6 * 4);
  for (const r of samples.filter((x) => x.denoiser === "bp-joint")) expect(r.validity).toBe(1);
  for (const r of rows.filter((x) => x.kind === "level" && x.denoiser === "bp-joint")) expect(r.validity).toBe(1);
  for (const r of samples) {
    // Every seed's RHM (S = C = 8, k = 2, L = 3) has 1024 equiprobable sentences.
    expect(r.supportSize).toBe(1024);
    expect(r.entropy as number).toBeCloseTo(Math.log(1024), 10);
  }
  for (const rep of [0, 1]) {
    // The training set of that seed, as packages/train saved it: P(an exact draw is a copy) = distinct / 1024.
    const train = readJson(path.join(dir, "runs", `unet-P16-s${rep}`, "train.json"));
    const distinct = new Set(train.x.map((x: number[]) => x.join(","))).size;
    for (const r of samples.filter((x) => x.rep === rep))
      expect(r.expectedCopy as number).toBeCloseTo(distinct / 1024, 12);
    // The U-Net was trained for the sampler it is sampled with, over exactly the levels that sampler visits.
    const cfg = readJson(path.join(dir, "runs", `unet-P16-s${rep}`, "config.json"));
    expect(cfg.diffusion).toEqual({ process: "vp", schedule: "linear", steps: 5, sampler: "ddpm" });
    const range = samplerAbarRange(5);
    expect(cfg.noise.abarMin).toBeCloseTo(range.min, 12);
    expect(cfg.noise.abarMax).toBeCloseTo(range.max, 12);
  }
  // 16 exact draws from 1024 equiprobable sentences: TV >= 1 - 16/1024 whatever the draws (at most 16 sentences get mass).
  for (const r of samples.filter((x) => x.denoiser === "exact"))
    expect(r.tv as number).toBeGreaterThanOrEqual(1 - 16 / 1024 - 1e-12);
  expect(summary.verdicts!.length).toBeGreaterThanOrEqual(3);
  expect(report).toContain("Claims and verdicts");
  expect(fs.existsSync(path.join(dir, "figures", "tv-vs-P.svg"))).toBe(true);
});

// Hand-made rows: the analysis alone, no training.
const Ps = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

function config(): DiffusionConfig {
  const c = diffusion.defaults("tiny");
  return { ...c, P: Ps, archs: ["unet", "unet-noskip"], references: ["exact"], repeats: 3 };
}

/** Per-level validity 0.9 + 0.05 log2(P / P*_l), P*_l = 16 b^l (rule level l = 1..3, tree level 3 - l). */
function rowsFor(o: {
  validity: number[];
  ablation: number[];
  base: number[];
  copy: number[];
  expected: number;
}): Row[] {
  const rows: Row[] = [];
  for (let rep = 0; rep < 3; rep++) {
    for (const P of Ps) {
      rows.push({
        kind: "samples",
        denoiser: "unet",
        P,
        rep,
        validity: o.validity[rep],
        copyFraction: o.copy[rep],
        expectedCopy: o.expected,
        excessCopy: o.copy[rep] - o.expected,
        copyValid: o.copy[rep] / o.validity[rep],
        excessCopyValid: o.copy[rep] / o.validity[rep] - o.expected,
        tv: 0.5,
        logPGap: 0,
        entropy: 6.93,
        meanLogP: -6.93,
        supportSize: 1024,
      });
      rows.push({
        kind: "samples",
        denoiser: "unet-noskip",
        P,
        rep,
        validity: o.ablation[rep],
        copyFraction: 0,
        expectedCopy: o.expected,
        excessCopy: -o.expected,
        tv: 0.6,
        logPGap: 0,
        entropy: 6.93,
        meanLogP: -6.93,
        supportSize: 1024,
      });
      rows.push({
        kind: "samples",
        denoiser: "exact",
        P,
        rep,
        validity: 1,
        copyFraction: o.expected,
        expectedCopy: o.expected,
        excessCopy: 0,
        tv: 0.45 + 0.01 * rep,
        logPGap: 0,
        entropy: 6.93,
        meanLogP: -6.93,
        supportSize: 1024,
      });
      for (let level = 0; level <= 3; level++) {
        const l = 3 - level;
        const v = l === 0 ? 1 : Math.max(0, Math.min(1, 0.9 + 0.05 * Math.log2(P / (16 * o.base[rep] ** l))));
        rows.push({ kind: "level", denoiser: "unet", P, rep, level, ruleLevel: l, validity: v });
      }
    }
  }
  return rows;
}

const verdict = (c: DiffusionConfig, rows: Row[], re: RegExp) =>
  diffusion.summarize(c, rows).verdicts.find((v) => re.test(v.hypothesis))!;

test("diffusion verdicts flip with the data (hand-made rows through summarize)", () => {
  const c = config();
  const good = rowsFor({
    validity: [0.95, 0.96, 0.97],
    ablation: [0.5, 0.6, 0.55],
    base: [1.8, 2, 2.2],
    copy: [0.02, 0.03, 0.025],
    expected: 0.0078,
  });
  const bad = rowsFor({
    validity: [0.2, 0.3, 0.25],
    ablation: [0.5, 0.6, 0.55],
    base: [3.8, 4, 4.2],
    copy: [0.5, 0.6, 0.7],
    expected: 0.0078,
  });
  expect(verdict(c, good, /generates valid/).verdict).toBe("supported");
  expect(verdict(c, bad, /generates valid/).verdict).toBe("not supported");
  expect(verdict(c, good, /beats the U-Net without skips/).verdict).toBe("supported");
  expect(verdict(c, bad, /beats the U-Net without skips/).verdict).toBe("not supported");
  // Slopes ln 1.8, ln 2, ln 2.2: mean 0.690, sd 0.1004, t(2) = 4.303: [0.440, 0.939] contains ln k = ln 2; ln 3.8 .. ln 4.2 exclude it.
  const fav = verdict(c, good, /Favero/);
  expect(fav.verdict).toBe("supported");
  expect(fav.measured).toContain("0.690 [0.440, 0.939]");
  expect(verdict(c, bad, /Favero/).verdict).toBe("not supported");
  // With only P in [8, 16] no level crosses: the grid cannot resolve it.
  const narrow = { ...c, P: [8, 16] };
  const inc = verdict(
    narrow,
    good.filter((r) => num(r.P) <= 16),
    /Favero/,
  );
  expect(inc.verdict).toBe("inconclusive");
  expect(inc.why).toMatch(/cannot resolve/);
  // Memorisation: copies among valid samples 0.5/0.2 .. 0.7/0.25 against 0.0078 expected is; 0 .. 0.002 (below chance) is not.
  expect(verdict(c, bad, /memorises/).verdict).toBe("supported");
  const chance = rowsFor({
    validity: [0.95, 0.96, 0.97],
    ablation: [0.5, 0.6, 0.55],
    base: [2, 2, 2],
    copy: [0.0, 0.001, 0.002],
    expected: 0.0078,
  });
  expect(verdict(c, chance, /memorises/).verdict).toBe("not supported");
  // TV minus floor: 0.5 against 0.45..0.47 is above the floor.
  expect(verdict(c, good, /farther from p/).verdict).toBe("supported");
});

function num(v: unknown): number {
  return v as number;
}

test("diffusion on a grammar too large to enumerate: mean log p against the exact entropy instead of TV", async () => {
  const c = { ...diffusion.defaults("tiny"), maxEnumeratedTrees: 100, n: 64 };
  const rows = await diffusion.run(
    c,
    { id: "exact-s0", params: { denoiser: "exact", P: null, rep: 0 } },
    { dir: tempDir() },
  );
  const s = rows.find((r) => r.kind === "samples")!;
  expect(s.tv).toBeNull();
  expect(s.supportSize).toBeNull();
  // The RHM is unambiguous: the tree recursion is exact, and every sentence has p = 1/1024, so the gap is exactly 0.
  expect(s.entropyMethod).toBe("tree recursion (unambiguous grammar)");
  expect(s.entropy as number).toBeCloseTo(Math.log(1024), 10);
  expect(s.logPGap as number).toBeCloseTo(0, 10);
  expect(diffusion.figures(c, rows).map((f) => f.name)).toContain("logp-gap-vs-P");
});

test("the sampler's abar range is the one packages/train derives from config.diffusion, for both schedules", () => {
  for (const schedule of ["linear", "cosine"] as const) {
    const cfg = makeTrainConfig("denoiser", "unet", {
      diffusion: { process: "vp", schedule, steps: 50, sampler: "ddpm" },
    });
    const r = samplerAbarRange(50, schedule);
    expect(cfg.noise).toMatchObject({
      kind: "gaussian",
      abarMin: r.min,
      abarMax: r.max,
      sampling: "schedule",
      schedule,
    });
  }
  expect(samplerAbarRange(50, "cosine").max).not.toBeCloseTo(samplerAbarRange(50, "linear").max, 3);
  // The schedule the experiment passes to generate is generate's own default for linear.
  for (const t of [1, 250, 1000])
    expect(makeSchedule({ kind: "linear", T: 1000 }).abar(t)).toBe(linearSchedule({ T: 1000 }).abar(t));
});
