#!/usr/bin/env node
/**
 * Every published package's README shows a runnable example of the package used alone,
 * and it runs: this extracts each ```ts runnable block of packages/<name>/README.md,
 * type-checks them all (strict, against the built packages' declarations, as a user's
 * project would see them), then runs each as an ES module with Node in a fresh temporary
 * working directory (what it writes is thrown away). A package without such a block fails.
 *
 *   pnpm build && node scripts/readme-snippets.mjs [name ...]   # CI: .ci/readme-snippets
 *
 * A snippet file lives inside its package while it runs (packages/<name>/.readme-snippet-*.mts),
 * so `@ghmkit/<name>` resolves to the package itself and its dependencies to theirs, as in
 * a project that installed it; it is removed afterwards.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TIMEOUT_MS = 180_000;
const FENCE = /^```ts runnable[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;

/** The runnable blocks of a README, each with the line its code starts on. */
export function runnableBlocks(markdown) {
  return [...markdown.matchAll(FENCE)].map((m) => ({
    code: m[1],
    line: markdown.slice(0, m.index).split("\n").length + 1,
  }));
}

function main() {
  const wanted = new Set(process.argv.slice(2));
  const packages = fs
    .readdirSync(path.join(ROOT, "packages"))
    .sort()
    .map((name) => ({ name, dir: path.join(ROOT, "packages", name) }))
    .filter(({ dir }) => fs.existsSync(path.join(dir, "package.json")))
    .filter(({ dir }) => !JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).private)
    .filter(({ name }) => wanted.size === 0 || wanted.has(name));
  if (wanted.size > 0 && packages.length !== wanted.size) {
    console.error(`readme-snippets: no published package among ${[...wanted].join(", ")}`);
    return 2;
  }
  const problems = [];
  const snippets = [];
  for (const p of packages) {
    const readme = path.join(p.dir, "README.md");
    const rel = path.relative(ROOT, readme);
    if (!fs.existsSync(path.join(p.dir, "dist"))) {
      console.error(`readme-snippets: packages/${p.name}/dist is missing; run pnpm build first`);
      return 2;
    }
    const blocks = fs.existsSync(readme) ? runnableBlocks(fs.readFileSync(readme, "utf8")) : [];
    if (blocks.length === 0) problems.push(`${rel}: no \`\`\`ts runnable block (each package shows one, used alone)`);
    blocks.forEach((b, i) =>
      snippets.push({ ...b, rel, file: path.join(p.dir, `.readme-snippet-${process.pid}-${i}.mts`) }),
    );
  }
  try {
    for (const s of snippets) fs.writeFileSync(s.file, s.code);
    // One strict program over every snippet, resolving packages as an installed project does.
    const program = ts.createProgram(
      snippets.map((s) => s.file),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [path.join(ROOT, "node_modules", "@types")],
      },
    );
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const s = snippets.find((x) => d.file && path.resolve(d.file.fileName) === x.file);
      const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      if (!s || !d.file || d.start === undefined) {
        problems.push(`type check: ${msg}`);
        continue;
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      problems.push(`${s.rel}:${s.line + line}: ${msg}`);
    }
    for (const s of snippets) {
      const js = s.file.replace(/\.mts$/, ".mjs");
      fs.writeFileSync(
        js,
        ts.transpileModule(s.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText,
      );
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "ghm-readme-snippet-"));
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [js], { cwd, encoding: "utf8", timeout: TIMEOUT_MS });
      fs.rmSync(cwd, { recursive: true, force: true });
      fs.rmSync(js, { force: true });
      const where = `${s.rel}:${s.line}`;
      if (r.status !== 0)
        problems.push(
          `${where}: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}\n${(r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n")}`,
        );
      else console.log(`ok ${where} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    for (const s of snippets) {
      fs.rmSync(s.file, { force: true });
      fs.rmSync(s.file.replace(/\.mts$/, ".mjs"), { force: true });
    }
  }
  for (const p of problems) console.error(`FAIL ${p}`);
  console.log(`${snippets.length} README snippets from ${packages.length} packages, ${problems.length} problems`);
  return problems.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
