import { exactEvidence, maskedEvidence } from "./evidence";
import { gaussianEvidenceFromZ } from "./gaussianEvidence";
import { type Noise, argmaxLeaves, levelNoise, noisyEvidence, observationEvidence } from "./noisyEvidence";
import { Rng } from "./rng";
import { uniformEvidence } from "./uniformEvidence";

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(mean(v.map((t) => (t - mean(v)) ** 2)));

describe("noisyEvidence: gaussian", () => {
  it("e = (alpha / sigma^2) z, and z has mean alpha onehot(x) and sd sigma", () => {
    const n = 4000;
    const x = new Int32Array(n).fill(1);
    const r = noisyEvidence(x, n, 1, 2, { kind: "gaussian", alpha: 0.5, sigma: 2 }, new Rng(3), { keepZ: true });
    const z = r.z!;
    for (let i = 0; i < z.length; i++) expect(r.evidence.e[i]).toBeCloseTo((0.5 / 4) * z[i], 12);
    const col = (s: number) => Array.from({ length: n }, (_, i) => z[i * 2 + s]);
    expect(mean(col(0))).toBeCloseTo(0, 1);
    expect(mean(col(1))).toBeCloseTo(0.5, 1);
    expect(sd(col(0))).toBeCloseTo(2, 1);
    expect(r.abar!.every((a) => a === 1 / (1 + 16))).toBe(true);
    expect(r.obs).toBeNull();
  });

  it("z = sigma g + alpha onehot(x) with g the Rng's normals in row-major order", () => {
    const x = [2, 0, 1];
    const r = noisyEvidence(x, 1, 3, 3, { kind: "gaussian", alpha: 1.5, sigma: 0.7 }, new Rng(11), { keepZ: true });
    const rng = new Rng(11);
    const expected = Array.from(
      { length: 9 },
      (_, i) => 0.7 * rng.normal() + (x[Math.floor(i / 3)] === i % 3 ? 1.5 : 0),
    );
    expect(Array.from(r.z!)).toEqual(expected);
    expect(Array.from(r.evidence.e)).toEqual(Array.from(gaussianEvidenceFromZ(expected, 1, 3, 3, 1.5, 0.7).e));
  });

  it("z only on request: the same evidence either way", () => {
    const noise: Noise = { kind: "gaussian", alpha: 1, sigma: 1 };
    const a = noisyEvidence([0, 1, 1, 0], 2, 2, 2, noise, new Rng(4));
    const b = noisyEvidence([0, 1, 1, 0], 2, 2, 2, noise, new Rng(4), { keepZ: true });
    expect(a.z).toBeNull();
    expect(Array.from(a.evidence.e)).toEqual(Array.from(b.evidence.e));
  });

  it("one seed, rescaled noise: z moves smoothly with sigma (the demo's slider)", () => {
    const x = [2, 0, 1, 1];
    const z = (sigma: number) =>
      noisyEvidence(x, 1, 4, 3, { kind: "gaussian", alpha: 1, sigma }, new Rng(3), { keepZ: true }).z!;
    const a = z(1);
    const b = z(1.01);
    a.forEach((v, i) => {
      const hot = x[Math.floor(i / 3)] === i % 3 ? 1 : 0;
      expect(b[i] - hot).toBeCloseTo(1.01 * (v - hot), 14);
    });
  });

  it("stays finite for sigma from 1e-6 to 1e6 and alpha = 0", () => {
    for (const sigma of [1e-6, 1e-3, 1, 1e3, 1e6]) {
      const { evidence } = noisyEvidence([0, 1, 2], 1, 3, 3, { kind: "gaussian", alpha: 1, sigma }, new Rng(1));
      expect(evidence.e.every(Number.isFinite)).toBe(true);
    }
    const zero = noisyEvidence([0], 1, 1, 2, { kind: "gaussian", alpha: 0, sigma: 1 }, new Rng(1));
    expect(zero.evidence.e.every((v) => v === 0)).toBe(true);
    expect(zero.abar![0]).toBe(0);
  });

  it("refuses bad parameters and symbols", () => {
    const g = (alpha: number, sigma: number, x = [0]) =>
      noisyEvidence(x, 1, 1, 2, { kind: "gaussian", alpha, sigma }, new Rng(1));
    expect(() => g(-1, 1)).toThrow(/alpha/);
    expect(() => g(1, 0)).toThrow(/sigma/);
    expect(() => g(1, NaN)).toThrow(/sigma/);
    expect(() => g(1, 1, [2])).toThrow(/x\[0\]: 2 is outside/);
  });
});

describe("noisyEvidence: vp", () => {
  it("at a fixed abar: the gaussian model with alpha = sqrt(abar), sigma = sqrt(1 - abar), bit for bit", () => {
    const x = [0, 3, 2, 1, 1, 0];
    const abar = 0.3;
    const vp = noisyEvidence(x, 2, 3, 4, { kind: "vp", abar }, new Rng(7), { keepZ: true });
    const alpha = Math.sqrt(abar);
    const sigma = Math.sqrt(1 - abar);
    const gauss = noisyEvidence(x, 2, 3, 4, { kind: "gaussian", alpha, sigma }, new Rng(7), { keepZ: true });
    expect(Array.from(vp.z!)).toEqual(Array.from(gauss.z!));
    expect(Array.from(vp.evidence.e)).toEqual(Array.from(gauss.evidence.e));
    expect(Array.from(vp.abar!)).toEqual([abar, abar]);
  });

  it("a drawn level per row: the level first, then that row's normals (training data's order)", () => {
    const x = [0, 1, 2, 2, 1, 0];
    const draw = (rng: Rng) => 0.1 + 0.8 * rng.uniform();
    const got = noisyEvidence(x, 2, 3, 3, { kind: "vp", abar: draw }, new Rng(5));
    const rng = new Rng(5);
    const e: number[] = [];
    const levels: number[] = [];
    for (let r = 0; r < 2; r++) {
      const a = draw(rng);
      levels.push(a);
      const row = x.slice(r * 3, r * 3 + 3);
      const one = noisyEvidence(row, 1, 3, 3, { kind: "gaussian", alpha: Math.sqrt(a), sigma: Math.sqrt(1 - a) }, rng);
      e.push(...one.evidence.e);
    }
    expect(Array.from(got.abar!)).toEqual(levels);
    expect(Array.from(got.evidence.e)).toEqual(e);
  });

  it("abar = 1 is clean data (exact evidence, z = onehot), abar = 0 carries no information", () => {
    const x = [2, 0, 1];
    const clean = noisyEvidence(x, 1, 3, 3, { kind: "vp", abar: 1 }, new Rng(1), { keepZ: true });
    expect(Array.from(clean.evidence.e)).toEqual(Array.from(exactEvidence(x, 1, 3, 3).e));
    expect(Array.from(clean.z!, Math.abs)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(noisyEvidence(x, 1, 3, 3, { kind: "vp", abar: 0 }, new Rng(1)).evidence.e.every((v) => v === 0)).toBe(true);
  });

  it("refuses a level outside [0, 1], given or drawn, naming the row", () => {
    expect(() => noisyEvidence([0], 1, 1, 2, { kind: "vp", abar: 1.5 }, new Rng(1))).toThrow(/abar: must be/);
    expect(() => noisyEvidence([0, 1], 2, 1, 2, { kind: "vp", abar: () => NaN }, new Rng(1))).toThrow(/abar \(row 0\)/);
  });
});

describe("noisyEvidence: uniform and mask", () => {
  it("uniform keeps a symbol with probability keep + (1 - keep) / S, and returns its evidence", () => {
    const n = 20000;
    const r = noisyEvidence(new Int32Array(n).fill(0), n, 1, 4, { kind: "uniform", keep: 0.5 }, new Rng(9));
    const o = r.obs!;
    expect(o.filter((v) => v === 0).length / n).toBeCloseTo(0.5 + 0.5 / 4, 1.5);
    expect(o.every((v) => v >= 0 && v < 4)).toBe(true);
    expect(Array.from(r.evidence.e)).toEqual(Array.from(uniformEvidence(o, n, 1, 4, 0.5).e));
    expect(r.z).toBeNull();
    expect(r.abar).toBeNull();
    expect(Array.from(noisyEvidence([3, 1], 1, 2, 4, { kind: "uniform", keep: 1 }, new Rng(1)).obs!)).toEqual([3, 1]);
  });

  it("mask hides a leaf with probability 1 - keep, and returns its evidence", () => {
    const n = 20000;
    const r = noisyEvidence(new Int32Array(n).fill(2), n, 1, 3, { kind: "mask", keep: 0.7 }, new Rng(2));
    const o = r.obs!;
    expect(o.filter((v) => v === -1).length / n).toBeCloseTo(0.3, 1.5);
    expect(o.every((v) => v === -1 || v === 2)).toBe(true);
    expect(Array.from(r.evidence.e)).toEqual(Array.from(maskedEvidence(o, n, 1, 3).e));
    expect(Array.from(noisyEvidence([1, 0], 1, 2, 3, { kind: "mask", keep: 0 }, new Rng(1)).obs!)).toEqual([-1, -1]);
  });

  it("refuses keep outside [0, 1] and symbols outside the vocabulary", () => {
    expect(() => noisyEvidence([0], 1, 1, 2, { kind: "uniform", keep: NaN }, new Rng(1))).toThrow(/keep/);
    expect(() => noisyEvidence([0], 1, 1, 2, { kind: "mask", keep: 1.5 }, new Rng(1))).toThrow(/keep/);
    expect(() => noisyEvidence([5], 1, 1, 2, { kind: "mask", keep: 0.5 }, new Rng(1))).toThrow(/x\[0\]: 5/);
  });
});

describe("noisyEvidence: exact and bad kinds", () => {
  it("exact draws nothing", () => {
    const rng = new Rng(3);
    const before = rng.getState();
    const r = noisyEvidence([1, 0], 1, 2, 2, { kind: "exact" }, rng);
    expect(Array.from(r.evidence.e)).toEqual(Array.from(exactEvidence([1, 0], 1, 2, 2).e));
    expect(rng.getState()).toEqual(before);
  });

  it("an unknown kind is refused by name", () => {
    expect(() => noisyEvidence([0], 1, 1, 2, { kind: "laplace" } as unknown as Noise, new Rng(1))).toThrow(
      /"laplace" is not one of/,
    );
  });
});

describe("observationEvidence: the evidence of an observation drawn elsewhere", () => {
  it("is the evidence noisyEvidence returns for the same observation, for every noise model", () => {
    const x = [2, 0, 1, 1, 0, 2];
    const models: Noise[] = [
      { kind: "gaussian", alpha: 0.8, sigma: 1.3 },
      { kind: "vp", abar: 0.35 },
      { kind: "uniform", keep: 0.6 },
      { kind: "mask", keep: 0.5 },
      { kind: "exact" },
    ];
    for (const noise of models) {
      const r = noisyEvidence(x, 2, 3, 3, noise, new Rng(8), { keepZ: true });
      const obs = r.z ?? r.obs ?? x;
      expect(Array.from(observationEvidence(obs, 2, 3, 3, noise).e)).toEqual(Array.from(r.evidence.e));
    }
  });

  it("vp at abar = 1 is exact at each leaf's argmax; a drawn level is refused", () => {
    const z = [0.1, 0.9, 0.2, 0.7, 0.3, 0.1];
    expect(Array.from(observationEvidence(z, 1, 2, 3, { kind: "vp", abar: 1 }).e)).toEqual(
      Array.from(exactEvidence([1, 0], 1, 2, 3).e),
    );
    expect(() => observationEvidence(z, 1, 2, 3, { kind: "vp", abar: () => 0.5 })).toThrow(/abar/);
    expect(() => observationEvidence([0, 1], 1, 2, 3, { kind: "vp", abar: 1 })).toThrow(/z:? has 2 entries/);
  });

  it("levelNoise: a diffusion process at level abar", () => {
    expect(levelNoise("vp", 0.3)).toEqual({ kind: "vp", abar: 0.3 });
    expect(levelNoise("uniform", 0.3)).toEqual({ kind: "uniform", keep: 0.3 });
    expect(levelNoise("mask", 0.3)).toEqual({ kind: "mask", keep: 0.3 });
  });

  it("argmaxLeaves: the first maximum of each leaf", () => {
    expect(Array.from(argmaxLeaves([1, 3, 3, -Infinity, 0, -1], 2, 3))).toEqual([1, 1]);
  });
});
