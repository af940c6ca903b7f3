import * as fs from "node:fs";
import * as path from "node:path";
import { bayesDenoiser, fixedHeldOut, loadGrammar, makeStreams, makeTestData, runPaths } from "@ghmkit/train";
import type { TrainConfig } from "@ghmkit/train";
import { runTiny, tempDir } from "../testing/runTiny";
import type { Row } from "../types";
import { type DenoisingConfig, denoising, denoisingVerdicts } from "./denoising";

test("denoising: U-Net and the no-skip ablation over 2 seeds, scored against exact BP on the same population and unseen rows", async () => {
  const dir = path.join(tempDir(), "dn");
  const { rows, summary, config } = await runTiny("denoising", dir);
  expect(rows).toHaveLength(8); // 2 archs x 1 P x 2 seeds, mixed + one fixed level
  expect(new Set(rows.map((r) => `${r.arch}/${r.rep}`))).toEqual(
    new Set(["unet/0", "unet/1", "unet-noskip/0", "unet-noskip/1"]),
  );
  expect(rows.filter((r) => r.noise === "fixed").map((r) => r.abar)).toEqual([0.5, 0.5, 0.5, 0.5]);
  for (const r of rows) {
    expect(r.ratio).toBeCloseTo((r.mse as number) / (r.bayesMse as number), 10);
    expect(r.excessPop).toBeCloseTo((r.ratio as number) - 1, 12);
    // The default RHM has 8 * 2^7 = 1024 sequences: 16 training draws leave a full unseen set of 32 rows.
    expect(r.unseenCount).toBe(32);
    expect(r.excess).toBeCloseTo((r.unseenMse as number) / (r.unseenBayesMse as number) - 1, 10);
  }
  // Seed 1 of the U-Net: recompute the test sets from its config and training set.
  const runDir = path.join(dir, "runs", "unet-P16-s1");
  const cfg = JSON.parse(fs.readFileSync(runPaths(runDir).config, "utf8")) as TrainConfig;
  expect(cfg.seeds).toEqual({ data: 1001, init: 1002, noise: 1003 });
  const g = loadGrammar(cfg.grammar);
  const streams = makeStreams(cfg);
  const test = makeTestData(g, cfg, streams);
  const train = JSON.parse(fs.readFileSync(runPaths(runDir).train, "utf8")) as { n: number; x: number[][] };
  const held = fixedHeldOut(g, cfg, streams, test, { x: Int32Array.from(train.x.flat()), n: train.n });
  if (held.kind !== "fixed" || held.unseen === null) throw new Error("an unseen set was expected");
  const mixed = rows.find((r) => r.arch === "unet" && r.rep === 1 && r.noise === "mixed")!;
  const fixed = rows.find((r) => r.arch === "unet" && r.rep === 1 && r.noise === "fixed")!;
  expect(mixed.bayesMse).toBeCloseTo(bayesDenoiser(g, test.main).mse, 12);
  expect(fixed.bayesMse).toBeCloseTo(bayesDenoiser(g, test.levels[0].set).mse, 12);
  expect(mixed.unseenBayesMse).toBeCloseTo(bayesDenoiser(g, held.unseen.main).mse, 12);
  expect(fixed.unseenBayesMse).toBeCloseTo(bayesDenoiser(g, held.unseen.levels[0].set).mse, 12);
  // The summary's table holds the seed mean of the two seed rows.
  const seedRows = rows.filter((r) => r.arch === "unet-noskip" && r.noise === "mixed");
  const s = denoising.summarize(config as DenoisingConfig, rows);
  const tableRow = s.rows.find((r) => r[0] === "U-Net without skips" && String(r[2]).startsWith("abar ~"))!;
  expect(tableRow[3]).toBe(2);
  expect(parseFloat(String(tableRow[4]))).toBeCloseTo(
    ((seedRows[0].excess as number) + (seedRows[1].excess as number)) / 2,
    2,
  );
  expect(summary.verdicts!.map((v: any) => v.hypothesis)).toEqual([
    expect.stringMatching(/long skip/),
    expect.stringMatching(/approaches the Bayes/),
  ]);
}, 60000);

describe("denoising verdicts from hand-made seed rows", () => {
  const c: DenoisingConfig = { ...denoising.defaults("quick"), P: [100, 1000], tolerance: 0.1 };
  const rows = (unet: number[], noskip: number[], unseen = true): Row[] =>
    (
      [
        ["unet", unet],
        ["unet-noskip", noskip],
      ] as const
    ).flatMap(([arch, vs]) =>
      vs.flatMap((v, rep) => [
        { arch, P: 1000, rep, noise: "mixed", abar: null, excess: unseen ? v : null, excessPop: v + 1 },
        // A smaller P and a fixed level must not enter the verdicts.
        { arch, P: 100, rep, noise: "mixed", abar: null, excess: 5, excessPop: 5 },
        { arch, P: 1000, rep, noise: "fixed", abar: 0.5, excess: 5, excessPop: 5 },
      ]),
    );

  it("supports both claims when the ablation is worse and the U-Net is within the tolerance", () => {
    const v = denoisingVerdicts(c, rows([0.05, 0.06, 0.07], [0.3, 0.32, 0.31]));
    expect(v.map((x) => x.verdict)).toEqual(["supported", "supported"]);
    // paired differences 0.25, 0.26, 0.24: mean 0.25, sd 0.01
    expect(v[0].measured).toBe(
      `0.250 [${(0.25 - (4.303 * 0.01) / Math.sqrt(3)).toFixed(3)}, ${(0.25 + (4.303 * 0.01) / Math.sqrt(3)).toFixed(3)}]`,
    );
    expect(v[1].measured.startsWith("0.0600 [")).toBe(true);
  });

  it("flips to not supported and inconclusive", () => {
    let v = denoisingVerdicts(c, rows([0.3, 0.32, 0.31], [0.05, 0.06, 0.07]));
    expect(v.map((x) => x.verdict)).toEqual(["not supported", "not supported"]);
    // pairing matters: per-seed differences -0.1, +0.1, 0 straddle 0
    v = denoisingVerdicts(c, rows([0.05, 0.3, 0.2], [0.15, 0.2, 0.2]));
    expect(v[0].verdict).toBe("inconclusive");
    // U-Net interval [0.02, 0.18] contains the tolerance
    v = denoisingVerdicts(c, rows([0.02, 0.1, 0.18], [0.5, 0.5, 0.5]));
    expect(v[1].verdict).toBe("inconclusive");
  });

  it("falls back to the population set when no unseen rows exist, and says so", () => {
    const v = denoisingVerdicts(c, rows([0.05, 0.06, 0.07], [0.3, 0.32, 0.31], false));
    expect(v[0].quantity).toContain("population test set");
    expect(v[1].measured.startsWith("1.06 [")).toBe(true);
    expect(v[1].verdict).toBe("not supported");
  });
});
