import { exactEvidence, logitsEvidence, maskedEvidence } from "./evidence";
import { gaussianEvidenceFromZ } from "./gaussianEvidence";
import { uniformEvidence } from "./uniformEvidence";

const NI = -Infinity;

describe("exact and masked evidence", () => {
  it("exact: 0 at the symbol, -Infinity elsewhere", () => {
    expect(Array.from(exactEvidence(Int32Array.from([1, 0]), 1, 2, 3).e)).toEqual([NI, 0, NI, 0, NI, NI]);
    expect(() => exactEvidence([3], 1, 1, 3)).toThrow(/x\[0\]: 3 is outside/);
    expect(() => exactEvidence([0, 1], 1, 3, 3)).toThrow(/expected batch \* d/);
  });

  it("masked: -1 leaves carry no information", () => {
    expect(Array.from(maskedEvidence([-1, 2], 1, 2, 3).e)).toEqual([0, 0, 0, NI, NI, 0]);
    expect(() => maskedEvidence([-2], 1, 1, 3)).toThrow(/or -1 for masked/);
    expect(() => exactEvidence([-1], 1, 1, 3)).toThrow(/outside/);
  });
});

describe("evidence of an observation", () => {
  it("gaussian: e = (alpha / sigma^2) z, finite down to sigma^2 underflowing", () => {
    expect(Array.from(gaussianEvidenceFromZ([2, -1], 1, 1, 2, 0.5, 2).e)).toEqual([0.25, -0.125]);
    // sigma^2 underflows to 0 here; alpha / sigma / sigma does not
    expect(gaussianEvidenceFromZ([1, 0], 1, 1, 2, 1e-300, 1e-160).e[0]).toBeCloseTo(1e20, -10);
  });

  it("gaussian: refuses bad parameters and overflow instead of producing Infinity or NaN", () => {
    expect(() => gaussianEvidenceFromZ([0, 0], 1, 1, 2, -1, 1)).toThrow(/alpha/);
    expect(() => gaussianEvidenceFromZ([0, 0], 1, 1, 2, 1, 0)).toThrow(/sigma/);
    expect(() => gaussianEvidenceFromZ([NaN, 0], 1, 1, 2, 1, 1)).toThrow(/z\[0\]: is NaN/);
    expect(() => gaussianEvidenceFromZ([1e300, 0], 1, 1, 2, 1e10, 1e-6)).toThrow(/z\[0\]: .* overflows/);
    expect(() => gaussianEvidenceFromZ([0, 0, 0], 1, 1, 2, 1, 1)).toThrow(/z: has 3 entries/);
  });

  it("uniform: e = log(keep [o = s] + (1 - keep) / S)", () => {
    const e = uniformEvidence([2], 1, 1, 4, 0.6).e;
    expect(e[2]).toBeCloseTo(Math.log(0.6 + 0.1), 14);
    expect(e[0]).toBeCloseTo(Math.log(0.1), 14);
    expect(Array.from(uniformEvidence([1], 1, 1, 3, 1).e)).toEqual([NI, 0, NI]);
    expect(uniformEvidence([1], 1, 1, 3, 0).e.every((v) => Math.abs(v - Math.log(1 / 3)) < 1e-15)).toBe(true);
  });

  it("uniform: refuses keep outside [0, 1] and bad observations", () => {
    expect(() => uniformEvidence([0], 1, 1, 2, 1.5)).toThrow(/keep/);
    expect(() => uniformEvidence([5], 1, 1, 2, 0.5)).toThrow(/obs\[0\]: 5/);
  });
});

describe("logits evidence", () => {
  it("copies h, allowing -Infinity", () => {
    const h = Float32Array.from([0.5, -Infinity, 2, 3]);
    const ev = logitsEvidence(h, 1, 2, 2);
    expect(Array.from(ev.e)).toEqual([0.5, NI, 2, 3]);
    h[0] = 9;
    expect(ev.e[0]).toBe(0.5);
  });

  it("refuses NaN, +Infinity and wrong sizes", () => {
    expect(() => logitsEvidence([0, NaN], 1, 1, 2)).toThrow(/h\[1\].*leaf 0, symbol 1/);
    expect(() => logitsEvidence([Infinity, 0], 1, 1, 2)).toThrow(/h\[0\]/);
    expect(() => logitsEvidence([0], 1, 1, 2)).toThrow(/h: has 1 entries/);
    expect(() => logitsEvidence([], 1, 1.5, 2)).toThrow(/d: must be an integer/);
    expect(() => logitsEvidence([], 1 << 20, 1 << 10, 1 << 10)).toThrow(/exceeds 2\^30/);
  });
});
