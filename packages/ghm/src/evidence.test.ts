import { exactEvidence, logitsEvidence, maskedEvidence } from "./evidence";
import { gaussianEvidence, gaussianEvidenceFromZ } from "./gaussianEvidence";
import { uniformEvidence, uniformNoise } from "./uniformEvidence";
import { Rng } from "./rng";

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

describe("gaussian evidence", () => {
  it("e = (alpha / sigma^2) z, and z has mean alpha onehot(x) and sd sigma", () => {
    const n = 4000;
    const x = new Int32Array(n).fill(1);
    const { evidence, z } = gaussianEvidence(x, n, 1, 2, 0.5, 2, new Rng(3));
    for (let i = 0; i < z.length; i++) expect(evidence.e[i]).toBeCloseTo((0.5 / 4) * z[i], 12);
    const col = (s: number) => Array.from({ length: n }, (_, i) => z[i * 2 + s]);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const sd = (v: number[]) => Math.sqrt(mean(v.map((t) => (t - mean(v)) ** 2)));
    expect(mean(col(0))).toBeCloseTo(0, 1);
    expect(mean(col(1))).toBeCloseTo(0.5, 1);
    expect(sd(col(0))).toBeCloseTo(2, 1);
  });

  it("stays finite for sigma from 1e-6 to 1e6 and alpha = 0", () => {
    for (const sigma of [1e-6, 1e-3, 1, 1e3, 1e6]) {
      const { evidence } = gaussianEvidence([0, 1, 2], 1, 3, 3, 1, sigma, new Rng(1));
      expect(evidence.e.every(Number.isFinite)).toBe(true);
    }
    expect(gaussianEvidence([0], 1, 1, 2, 0, 1, new Rng(1)).evidence.e.every((v) => v === 0)).toBe(true);
    // sigma^2 underflows to 0 here; alpha / sigma / sigma does not
    expect(gaussianEvidenceFromZ([1, 0], 1, 1, 2, 1e-300, 1e-160).e[0]).toBeCloseTo(1e20, -10);
  });

  it("refuses bad parameters and overflow instead of producing Infinity or NaN", () => {
    expect(() => gaussianEvidence([0], 1, 1, 2, -1, 1, new Rng(1))).toThrow(/alpha/);
    expect(() => gaussianEvidence([0], 1, 1, 2, 1, 0, new Rng(1))).toThrow(/sigma/);
    expect(() => gaussianEvidence([0], 1, 1, 2, 1, NaN, new Rng(1))).toThrow(/sigma/);
    expect(() => gaussianEvidenceFromZ([NaN, 0], 1, 1, 2, 1, 1)).toThrow(/z\[0\]: is NaN/);
    expect(() => gaussianEvidenceFromZ([1e300, 0], 1, 1, 2, 1e10, 1e-6)).toThrow(/z\[0\]: .* overflows/);
    expect(() => gaussianEvidenceFromZ([0, 0, 0], 1, 1, 2, 1, 1)).toThrow(/z: has 3 entries/);
  });
});

describe("uniform noise", () => {
  it("e = log(keep [o = s] + (1 - keep) / S)", () => {
    const e = uniformEvidence([2], 1, 1, 4, 0.6).e;
    expect(e[2]).toBeCloseTo(Math.log(0.6 + 0.1), 14);
    expect(e[0]).toBeCloseTo(Math.log(0.1), 14);
    expect(Array.from(uniformEvidence([1], 1, 1, 3, 1).e)).toEqual([NI, 0, NI]);
    expect(uniformEvidence([1], 1, 1, 3, 0).e.every((v) => Math.abs(v - Math.log(1 / 3)) < 1e-15)).toBe(true);
  });

  it("keeps a symbol with probability keep + (1 - keep) / S", () => {
    const n = 20000;
    const o = uniformNoise(new Int32Array(n).fill(0), n, 1, 4, 0.5, new Rng(9));
    const same = o.filter((v) => v === 0).length / n;
    expect(same).toBeCloseTo(0.5 + 0.5 / 4, 1.5);
    expect(o.every((v) => v >= 0 && v < 4)).toBe(true);
    expect(Array.from(uniformNoise([3, 1], 1, 2, 4, 1, new Rng(1)))).toEqual([3, 1]);
  });

  it("refuses keep outside [0, 1] and bad observations", () => {
    expect(() => uniformEvidence([0], 1, 1, 2, 1.5)).toThrow(/keep/);
    expect(() => uniformNoise([0], 1, 1, 2, NaN, new Rng(1))).toThrow(/keep/);
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
