import { argmax, leafMSE, leafwisePosterior, oneHotRows } from "./measures";

describe("leaf measures", () => {
  const x = Int32Array.from([0, 2, 1]);
  const S = 3;

  it("MSE is 0 for the clean one-hot and 1 - 1/S for the uniform guess", () => {
    expect(leafMSE(oneHotRows(x, S), x, S)).toBe(0);
    expect(leafMSE(new Float64Array(9).fill(1 / 3), x, S)).toBeCloseTo(1 - 1 / S, 15);
  });

  it("MSE of a wrong one-hot is 2 per wrong leaf", () => {
    const wrong = oneHotRows(Int32Array.from([1, 2, 1]), S);
    expect(leafMSE(wrong, x, S)).toBeCloseTo(2 / 3, 15);
    expect(() => leafMSE(new Float64Array(4), x, S)).toThrow(/expected d \* S = 9/);
  });

  it("the leaf-wise posterior is a softmax per leaf, uniform where every symbol is impossible", () => {
    const e = Float64Array.from([0, Math.log(3), -Infinity, -Infinity, -Infinity, -Infinity, 1000, 1000, 1000]);
    const p = leafwisePosterior(e, S);
    expect(Array.from(p.subarray(0, 3)).map((v) => +v.toFixed(12))).toEqual([0.25, 0.75, 0]);
    expect(Array.from(p.subarray(3, 6))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    p.subarray(6).forEach((v) => expect(v).toBeCloseTo(1 / 3, 15));
  });

  it("argmax takes the first of ties and honours offset", () => {
    expect(argmax([1, 3, 3])).toBe(1);
    expect(argmax([9, 0, 2, 1], 1, 3)).toBe(1);
  });
});
