/**
 * Test-only require hook: lets a child `node` run the TypeScript sources with no
 * build, as jest does (swc strips the types, CommonJS output), and maps
 * `@ghmkit/<pkg>` to `packages/<pkg>/src/index.ts`. Usage: node -r ./swcRegister.cjs main.ts
 */
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const { transformSync } = require("@swc/core");

const root = path.resolve(__dirname, "../../../..");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@ghmkit\/([a-z-]+)$/.exec(request);
  return resolve.call(this, m ? path.join(root, "packages", m[1], "src", "index.ts") : request, ...rest);
};
require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    filename,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};
