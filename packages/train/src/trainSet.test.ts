import * as fs from "node:fs";
import * as path from "node:path";
import { leafCount } from "@ghmkit/ghm";
import { BatchStream, makeStreams } from "./data";
import { loadGrammar, trainRun } from "./index";
import { removeTempDirs, tempDir, tinyConfig } from "./testing/tiny";

afterAll(removeTempDirs);

describe("train.json", () => {
  test("a run with a fixed training set writes it (ghm-data/v1); an online run writes none", async () => {
    const cfg = tinyConfig("denoiser", "unet", { maxSteps: 1, evalEvery: 1, data: { trainSize: 40, testSize: 16 } });
    const dir = tempDir("trainset");
    await trainRun(cfg, { outDir: dir });
    const file = JSON.parse(fs.readFileSync(path.join(dir, "train.json"), "utf8"));
    const g = loadGrammar(cfg.grammar);
    const d = leafCount(g);
    const fixed = new BatchStream(g, cfg, makeStreams(cfg)).fixed!;
    expect(file.format).toBe("ghm-data/v1");
    expect(file.n).toBe(40);
    expect(file.d).toBe(d);
    expect(file.x).toEqual(Array.from({ length: 40 }, (_, b) => Array.from(fixed.x.subarray(b * d, (b + 1) * d))));
    expect(file.y).toEqual(Array.from(fixed.y));

    const online = tempDir("online");
    await trainRun(tinyConfig("denoiser", "unet", { maxSteps: 1, evalEvery: 1 }), { outDir: online });
    expect(fs.existsSync(path.join(online, "train.json"))).toBe(false);
  });
});
