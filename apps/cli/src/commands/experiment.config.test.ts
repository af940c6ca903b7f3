import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, tempDir } from "../testing/harness";

describe("experiment configs", () => {
  it("prints the resolved config, with a file and --set applied", async () => {
    const dir = tempDir();
    const file = path.join(dir, "c.json");
    fs.writeFileSync(file, JSON.stringify({ train: { width: 12 }, P: [7] }));
    const r = await ghm(
      "experiment",
      "classification",
      "--preset",
      "tiny",
      "--config",
      file,
      "--set",
      "train.steps=9",
      "--print-config",
      "--out",
      dir,
    );
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out);
    expect(c.train).toMatchObject({ width: 12, steps: 9, extraConvs: 1 });
    expect(c.P).toEqual([7]);
  });

  it.each([
    [["--set", "train.steps=0"], /train\.steps/],
    [["--set", "train.stepz=10"], /train.*stepz/],
    [["--set", 'archs=["unet"]'], /archs\.0/],
    [["--set", "P=[]"], /P/],
    [["--config", "/nonexistent.json"], /--config \/nonexistent.json: no such file/],
  ])("rejects %j with exit 2 naming the field", async (extra, message) => {
    const dir = tempDir();
    const r = await ghm("experiment", "classification", "--preset", "tiny", "--out", path.join(dir, "x"), ...extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(fs.existsSync(path.join(dir, "x"))).toBe(false);
  });
});
