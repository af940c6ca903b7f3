import * as path from "node:path";
import { nodeImportsReachable, nodeOnlyNames } from "@ghmkit/testkit";
import * as browserEntry from "./browser";
import * as nodeEntry from "./index";
import * as nodeSubpath from "./node";

describe("entries", () => {
  it("the browser entry exports all but the file helpers; @ghmkit/ghm/node exports exactly those", () => {
    // An export added to index.ts alone fails here: add it to browser.ts (or to node.ts if it needs Node).
    expect(nodeOnlyNames(nodeEntry, browserEntry)).toEqual(Object.keys(nodeSubpath).sort());
    expect(Object.keys(nodeSubpath).sort()).toEqual([
      "readGrammarFile",
      "writeDirAtomic",
      "writeFileAtomic",
      "writeGrammarFile",
      "writeJsonAtomic",
    ]);
  });

  it("nothing the browser entry imports is a Node built-in", () => {
    expect(nodeImportsReachable(path.join(__dirname, "browser.ts"))).toEqual([]);
  });
});
