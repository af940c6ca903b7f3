import * as path from "node:path";
import { nodeImportsReachable, nodeOnlyNames } from "@ghmkit/testkit";
import * as browserEntry from "./browser";
import * as nodeEntry from "./index";
import * as nodeSubpath from "./node";

describe("entries", () => {
  it("the browser entry exports all but model directories on disk; @ghmkit/nets/node exports exactly those", () => {
    // An export added to index.ts alone fails here: add it to browser.ts (or to node.ts if it needs Node).
    expect(nodeOnlyNames(nodeEntry, browserEntry)).toEqual(Object.keys(nodeSubpath).sort());
    expect(Object.keys(nodeSubpath)).toEqual(expect.arrayContaining(["saveModel", "loadModel", "fsIOHandler"]));
  });

  it("nothing the browser entry imports (ghm, bp, tensor's browser entries included) is Node-only", () => {
    expect(nodeImportsReachable(path.join(__dirname, "browser.ts"))).toEqual([]);
  });

  it("the Node entry does import Node built-ins (the check can fail)", () => {
    expect(nodeImportsReachable(path.join(__dirname, "index.ts")).length).toBeGreaterThan(0);
  });
});
