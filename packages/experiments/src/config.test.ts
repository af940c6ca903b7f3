import { mergeDeep, parseSet } from "./config";

describe("experiment configs", () => {
  it("merges objects field by field and replaces arrays", () => {
    expect(mergeDeep({ a: { b: 1, c: 2 }, P: [1, 2] }, { a: { c: 3 }, P: [5] })).toEqual({ a: { b: 1, c: 3 }, P: [5] });
  });

  it("parses --set paths with JSON values", () => {
    expect(parseSet("train.steps=300")).toEqual({ train: { steps: 300 } });
    expect(parseSet("P=[64,256]")).toEqual({ P: [64, 256] });
    expect(parseSet("sampler=ddim")).toEqual({ sampler: "ddim" });
  });
});
