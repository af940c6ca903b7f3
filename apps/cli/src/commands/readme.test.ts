/**
 * The README's "first ten minutes" block, run line by line through the in-process CLI
 * (pipes chained through stdin) in an empty directory, with smaller sizes and step
 * counts so it takes seconds: the commands a newcomer copies must work as written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ghmWithStdin, tempDir } from "../testing/harness";

const README = path.join(__dirname, "..", "..", "..", "..", "README.md");

/** The fenced block after `<!-- first-ten-minutes -->`, one command line per entry, comments dropped. */
export function walkthroughLines(markdown: string): string[] {
  const at = markdown.indexOf("<!-- first-ten-minutes -->");
  if (at < 0) throw new Error("README.md has no <!-- first-ten-minutes --> block");
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!block) throw new Error("no ```sh block after the first-ten-minutes marker");
  return block[1]
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Smaller sizes for the test; every other flag as written. */
function shrink(words: string[]): string[] {
  const out = [...words];
  const cap = (flag: string, max: number): void => {
    const i = out.indexOf(flag);
    if (i >= 0) out[i + 1] = String(Math.min(Number(out[i + 1]), max));
  };
  cap("-n", 200);
  cap("--train-size", 128);
  cap("--steps", out[1] === "train" ? 30 : 20);
  if (out[1] === "diffuse" && !out.includes("--steps")) out.push("--steps", "20");
  if (out[1] === "train" || out[1] === "eval") out.push("--test-size", "64");
  return out;
}

describe("README: the first ten minutes", () => {
  const lines = walkthroughLines(fs.readFileSync(README, "utf8"));
  const cwd = process.cwd();
  const dir = tempDir();
  beforeAll(() => process.chdir(dir));
  afterAll(() => process.chdir(cwd));

  test("the walkthrough goes grammar -> sample -> bp -> train -> eval -> diffuse", () => {
    const verbs = lines.flatMap((l) => l.split("|").map((c) => c.trim().split(/\s+/)[1]));
    const order = ["grammar", "sample", "bp", "train", "eval", "diffuse"].map((v) => verbs.indexOf(v));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test.each(lines.map((l, i) => [i + 1, l]))(
    "line %i: %s",
    async (_i, line) => {
      let stdin = "";
      for (const part of String(line).split(" | ")) {
        const words = part.trim().split(/\s+/);
        expect(words[0]).toBe("ghm");
        const r = await ghmWithStdin(stdin, ...shrink(words).slice(1));
        if (r.code !== 0) throw new Error(`${part} -> exit ${r.code}\n${r.err}`);
        stdin = r.out;
      }
    },
    120_000,
  );
});
