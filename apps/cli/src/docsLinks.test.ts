/**
 * Every relative link in every README and doc of the repository (every tracked Markdown
 * file: READMEs, docs/, docs/api, reference/) resolves to a file inside the repository,
 * and an anchor into a Markdown file names one of its headings: a clone has everything
 * its documentation points to.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const docs = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)));

function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, "").replace(/`[^`\n]*`/g, "");
}

/**
 * Link targets outside code fences and inline code, minus URLs: inline `[text](target)`
 * and images, reference definitions `[label]: target`, and HTML href / src.
 */
function relativeLinks(markdown: string): string[] {
  const prose = withoutCode(markdown);
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const defs = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)].map((m) => m[1]);
  const html = [...prose.matchAll(/<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...inline, ...defs, ...html].filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to "-", repeats numbered. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, "").replace(/`([^`\n]*)`/g, "$1");
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:name|id)=["']([^"']+)["']/gi)) out.add(m[1]);
  return out;
}

/** Why `link` in `doc` does not resolve, or null when it does. */
function broken(doc: string, link: string): string | null {
  const [file, anchor] = link.split("#", 2);
  const target =
    file === "" ? path.join(ROOT, doc) : path.resolve(path.dirname(path.join(ROOT, doc)), decodeURIComponent(file));
  if (!target.startsWith(ROOT + path.sep)) return `${link}: outside the repository`;
  if (!fs.existsSync(target)) return `${link}: no such file`;
  if (anchor && target.endsWith(".md") && !anchors(fs.readFileSync(target, "utf8")).has(decodeURIComponent(anchor)))
    return `${link}: no heading #${anchor} in ${path.relative(ROOT, target)}`;
  return null;
}

test("every README and doc is checked: each package and app README, docs/ and reference/", () => {
  const readmes = ["packages", "apps"].flatMap((top) =>
    fs
      .readdirSync(path.join(ROOT, top))
      .filter((d) => fs.existsSync(path.join(ROOT, top, d, "package.json")))
      .map((d) => `${top}/${d}/README.md`),
  );
  expect(docs).toEqual(expect.arrayContaining(["README.md", "docs/SPEC.md", "reference/README.md", ...readmes]));
});

test.each(docs)("%s: every relative link resolves inside the repository", (doc) => {
  const problems = relativeLinks(fs.readFileSync(path.join(ROOT, doc), "utf8"))
    .map((link) => broken(doc, link))
    .filter((p) => p !== null);
  expect(problems).toEqual([]);
});

test("the link finder sees prose, reference and HTML links and skips URLs and code", () => {
  const md = [
    'See [a](docs/a.md) and [b](../b.md#x "t"), [web](https://x.org), [top](#top), `[c](c.md)`, ![i](<img.png>)',
    "```",
    "[d](d.md)",
    "```",
    "[ref]: ./r.md",
    '<a href="h.md">h</a> <img src="i.svg"> <a href="mailto:x@y.z">m</a>',
  ].join("\n");
  expect(relativeLinks(md)).toEqual(["docs/a.md", "../b.md#x", "#top", "img.png", "./r.md", "h.md", "i.svg"]);
  expect(relativeLinks(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).length).toBeGreaterThanOrEqual(10);
});

test("anchors follow GitHub's heading slugs", () => {
  const a = anchors("# The `ghm` command\n## Usage (runnable)\n## Usage (runnable)\n```\n# not a heading\n```\n");
  expect([...a]).toEqual(["the-ghm-command", "usage-runnable", "usage-runnable-1"]);
  expect(broken("README.md", "#no-such-heading")).toMatch(/no heading/);
  expect(broken("README.md", "../outside.md")).toMatch(/outside the repository/);
});
