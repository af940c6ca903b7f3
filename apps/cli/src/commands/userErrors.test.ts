import * as fs from "node:fs";
import * as path from "node:path";
import { ghm, tempDir, randomGrammar } from "../testing/harness";
describe("run-directory and BP refusals are user errors (exit 2)", () => {
  const dir = tempDir();
  test("resume refusals are user errors (exit 2) naming the problem; the same command with --resume still works", async () => {
    fs.mkdirSync(path.join(dir, "empty"));
    let r = await ghm("--json", "train", "classifier", "--out", path.join(dir, "empty"), "--resume");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no training run/);
    const out = path.join(dir, "run");
    const args = [
      "--json",
      "train",
      "classifier",
      "--train-size",
      "64",
      "--test-size",
      "32",
      "--steps",
      "4",
      "--batch",
      "16",
      "--width",
      "8",
      "--out",
      out,
    ];
    expect((await ghm(...args)).code).toBe(0);
    r = await ghm(
      "--json",
      "train",
      "classifier",
      "--width",
      "16",
      "--lr",
      "0.5",
      "--steps",
      "6",
      "--out",
      out,
      "--resume",
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--width 16 \(the run has 8\), --lr 0\.5 \(the run has 0\.003\)/);
    r = await ghm(...args.map((a) => (a === "4" ? "6" : a)), "--resume");
    expect(r.code).toBe(0);
    fs.writeFileSync(path.join(out, "checkpoints", "latest.json"), "{bad");
    r = await ghm("--json", "train", "classifier", "--steps", "8", "--out", out, "--resume");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/latest\.json is not valid JSON/);
  });
  test("bp: evidence beyond the magnitude bound is exit 2", async () => {
    const G = path.join(dir, "g.json");
    await randomGrammar(G, "--kind product --vocab 2 --classes 2 --depth 1 --seed 1");
    fs.writeFileSync(
      path.join(dir, "e.json"),
      JSON.stringify({
        kind: "logits",
        h: [
          [
            [1e308, 0],
            [0, 0],
          ],
        ],
      }),
    );
    const r = await ghm(
      "bp",
      "--grammar",
      G,
      "--evidence",
      path.join(dir, "e.json"),
      "--out",
      path.join(dir, "o.json"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--evidence .*e\.json: evidence\.e\[0\]: is 1e\+308/);
  });
});
