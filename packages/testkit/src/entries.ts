/**
 * Checks for packages with a Node and a browser entry: the browser entry must export
 * everything the Node entry does except the names that need Node (so an export added to
 * one entry only is caught), and nothing it imports, however deep, may be a Node built-in
 * or a Node-only package (so a bundle for the page never meets `node:fs`).
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";

/** Names the Node entry exports and the browser entry does not, sorted. */
export function nodeOnlyNames(nodeEntry: object, browserEntry: object): string[] {
  const browser = new Set(Object.keys(browserEntry));
  return Object.keys(nodeEntry)
    .filter((k) => !browser.has(k))
    .sort();
}

const PACKAGES_DIR = path.resolve(__dirname, "../..");
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Third-party packages that only run in Node (native addons). */
const NODE_ONLY_PACKAGES = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"];

/**
 * Module specifiers a file loads at run time: its TypeScript compiled to JavaScript (type-only
 * imports and `import("x")` types vanish), then scanned by TypeScript's own pre-processor
 * (import/export declarations, `require("x")`, `import("x")`; never text inside strings).
 */
function valueImports(source: string, fileName: string): string[] {
  const js = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return ts.preProcessFile(js, true, true).importedFiles.map((f) => f.fileName);
}

/** The source file a workspace package's browser build starts from (its exports map's browser or default entry). */
function browserSource(pkg: string): string {
  const dir = path.join(PACKAGES_DIR, pkg);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    exports: Record<string, Record<string, string | Record<string, string>>>;
  };
  const dot = manifest.exports["."];
  const target = dot.browser ?? dot.default;
  if (target === undefined) throw new Error(`@ghmkit/${pkg} has no browser or default entry in its exports map`);
  const js = typeof target === "string" ? target : target.default;
  return path.join(dir, js.replace(/^\.\/dist\/(esm\/)?/, "src/").replace(/\.js$/, ".ts"));
}

function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, "index.ts")]) if (fs.existsSync(f)) return f;
  throw new Error(`${from}: cannot resolve ${spec}`);
}

/**
 * Every Node built-in or Node-only package reachable from `entry` (a .ts file) through
 * relative imports and other @ghmkit packages' browser entries, as "file imports spec".
 */
export function nodeImportsReachable(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of valueImports(fs.readFileSync(file, "utf8"), file)) {
      const where = `${path.relative(PACKAGES_DIR, file)} imports ${spec}`;
      if (BUILTINS.has(spec) || NODE_ONLY_PACKAGES.includes(spec)) found.push(where);
      else if (spec.startsWith(".")) stack.push(resolveRelative(file, spec));
      else if (spec.startsWith("@ghmkit/")) {
        const [, pkg, sub] = spec.split("/");
        if (sub !== undefined) found.push(`${where} (a subpath: Node-only)`);
        else stack.push(browserSource(pkg));
      }
    }
  }
  return found.sort();
}
