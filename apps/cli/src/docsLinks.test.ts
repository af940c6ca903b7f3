/**
 * Every relative link in every README and doc of the repository resolves to a file
 * inside the repository: a clone has everything its documentation points to.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const docs = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)));

/** [text](target) links outside code fences and inline code, minus URLs and in-page anchors. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith("#"));
}

test("the repository has its documentation", () => {
  expect(docs).toEqual(
    expect.arrayContaining(["README.md", "docs/SPEC.md", "reference/README.md", "packages/experiments/README.md"]),
  );
});

test.each(docs)("%s: every relative link resolves inside the repository", (doc) => {
  const dir = path.dirname(path.join(ROOT, doc));
  const broken = relativeLinks(fs.readFileSync(path.join(ROOT, doc), "utf8")).filter((link) => {
    const target = path.resolve(dir, decodeURIComponent(link.split("#")[0]));
    return !target.startsWith(ROOT + path.sep) || !fs.existsSync(target);
  });
  expect(broken).toEqual([]);
});

test("the link finder sees prose links and skips URLs, anchors and code", () => {
  const md =
    "See [a](docs/a.md) and [b](../b.md#x), [web](https://x.org), [top](#top), `[c](c.md)`\n```\n[d](d.md)\n```";
  expect(relativeLinks(md)).toEqual(["docs/a.md", "../b.md#x"]);
  expect(relativeLinks(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).length).toBeGreaterThanOrEqual(10);
});
