import * as path from "node:path";
import { nodeImportsReachable } from "@ghmkit/testkit";

describe("entry", () => {
  it("one entry for Node and browsers: nothing it imports, however deep, is Node-only", () => {
    expect(nodeImportsReachable(path.join(__dirname, "index.ts"))).toEqual([]);
  });
});
