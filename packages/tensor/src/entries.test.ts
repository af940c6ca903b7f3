import * as path from "node:path";
import { nodeImportsReachable, nodeOnlyNames } from "@ghmkit/testkit";
import * as browserEntry from "./browser";
import * as nodeEntry from "./index";

describe("entries", () => {
  it("the browser entry exports what the Node entry does but wasmBinaryDir", () => {
    // An export added to index.ts alone fails here: add it to browser.ts too unless it needs Node.
    expect(nodeOnlyNames(nodeEntry, browserEntry)).toEqual(["wasmBinaryDir"]);
  });

  it("nothing the browser entry imports is Node-only (no tfjs-node, no require of a variable)", () => {
    expect(nodeImportsReachable(path.join(__dirname, "browser.ts"))).toEqual([]);
  });
});
