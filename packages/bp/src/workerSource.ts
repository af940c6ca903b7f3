/**
 * How a package starts one of its own files on a worker thread (or in a child process):
 * from its build, the compiled `.js` beside the caller; from its TypeScript sources (jest
 * runs sources only), a bootstrap that compiles `.ts` through swc and resolves `@ghmkit/*`
 * to their sources. bp's pool and train's step pool both start their workers here.
 */

/**
 * Code that runs the TypeScript sources of the package `here` (a file of it) lives in,
 * with `@ghmkit/*` resolved to sources, then `then`, in which `req` is a require from
 * here's folder.
 */
export function sourceBootstrap(here: string, then: string): string {
  const dir = folderOf(here);
  return `
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const req = Module.createRequire(${JSON.stringify(here)});
const { transformSync } = req("@swc/core");
Module._extensions[".ts"] = (m, file) => {
  const out = transformSync(fs.readFileSync(file, "utf8"), {
    filename: file, module: { type: "commonjs" }, jsc: { target: "es2022", parser: { syntax: "typescript" } },
  });
  m._compile(out.code, file);
};
const resolve = Module._resolveFilename;
const packages = path.resolve(${JSON.stringify(dir)}, "../..");
Module._resolveFilename = function (request, ...rest) {
  const m = /^@ghmkit\\/([a-z-]+)$/.exec(request);
  if (m) return path.join(packages, m[1], "src/index.ts");
  return resolve.call(this, request, ...rest);
};
${then}
`;
}

/**
 * A worker_threads `Worker`'s first argument and `eval` option for the file `entry` (no
 * extension) beside `here`: `${entry}.js` from a build, else the source bootstrap.
 */
export function workerSource(here: string, entry: string): { code: string; eval: boolean } {
  if (!here.endsWith(".ts")) return { code: `${folderOf(here)}${entry}.js`, eval: false };
  return { code: sourceBootstrap(here, `req(${JSON.stringify(`./${entry}.ts`)});`), eval: true };
}

function folderOf(file: string): string {
  return file.slice(0, Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);
}
