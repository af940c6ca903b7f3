import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nodeImportsReachable, nodeOnlyNames } from "./entries";

describe("nodeOnlyNames", () => {
  it("lists what only the Node entry exports", () => {
    expect(nodeOnlyNames({ a: 1, b: 2, c: 3 }, { a: 1 })).toEqual(["b", "c"]);
    expect(nodeOnlyNames({ a: 1 }, { a: 1, z: 0 })).toEqual([]);
  });
});

describe("nodeImportsReachable", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "testkit-entries-"));
    const w = (f: string, s: string) => fs.writeFileSync(path.join(dir, f), s);
    w(
      "entry.ts",
      'export * from "./a";\nimport type { X } from "node:fs";\n// import "node:os";\nexport { y } from "./b";\n',
    );
    w("a.ts", 'import * as path from "node:path";\nexport const a = path.sep;\n');
    w(
      "b.ts",
      'export const y = () => require("fs");\nimport "@tensorflow/tfjs-node";\nimport "zod";\n' +
        'type W = typeof import("node:worker_threads");\nexport const code = `require("node:os")`;\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds built-ins and Node-only packages through relative imports, not type-only ones, comments or strings", () => {
    const found = nodeImportsReachable(path.join(dir, "entry.ts")).map((s) => s.replace(/^\S*\//, ""));
    expect(found).toEqual(["a.ts imports node:path", "b.ts imports @tensorflow/tfjs-node", "b.ts imports fs"]);
  });

  it("finds nothing Node-only from ghm's browser entry", () => {
    expect(nodeImportsReachable(path.resolve(__dirname, "../../ghm/src/browser.ts"))).toEqual([]);
  });
});
