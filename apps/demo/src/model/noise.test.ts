import { Rng, exactEvidence, gaussianEvidence } from "@ghmkit/ghm";
import { qSampleVP, stateEvidence } from "@ghmkit/diffusion";
import { DEMO_SCHEDULE, drawEps, observe } from "./noise";

const x = Int32Array.from([2, 0, 1, 1]);
const S = 3;

describe("observe", () => {
  it("gaussian: the same z and evidence as ghm's gaussianEvidence with the same seed", () => {
    const ref = gaussianEvidence(x, 1, 4, S, 1, 0.7, new Rng(5));
    const o = observe(x, S, { kind: "gaussian", sigma: 0.7 }, drawEps(12, 5));
    expect(Array.from(o.z)).toEqual(Array.from(ref.z));
    expect(Array.from(o.evidence.e)).toEqual(Array.from(ref.evidence.e));
    expect(o.abar).toBeCloseTo(1 / (1 + 0.49), 15);
  });

  it("vp: the same state as diffusion's qSampleVP, and its evidence", () => {
    const u = 0.4;
    const abar = DEMO_SCHEDULE.abarAt(u);
    const xt = qSampleVP(x, S, abar, new Rng(9));
    const o = observe(x, S, { kind: "vp", u }, drawEps(12, 9));
    o.z.forEach((v, i) => expect(v).toBeCloseTo(xt[i], 14));
    const ref = stateEvidence({ process: "vp", batch: 1, d: 4, S, abar, xt });
    o.evidence.e.forEach((v, i) => expect(v).toBeCloseTo(ref.e[i], 10));
  });

  it("vp at u = 0 is exact evidence", () => {
    const o = observe(x, S, { kind: "vp", u: 0 }, drawEps(12, 1));
    expect(Array.from(o.evidence.e)).toEqual(Array.from(exactEvidence(x, 1, 4, S).e));
    expect(o.abar).toBe(1);
  });

  it("moves smoothly with the level: one eps, rescaled", () => {
    const eps = drawEps(12, 3);
    const a = observe(x, S, { kind: "gaussian", sigma: 1 }, eps).z;
    const b = observe(x, S, { kind: "gaussian", sigma: 1.01 }, eps).z;
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(0.01 * Math.abs(eps[i]) + 1e-12));
  });

  it("refuses levels off the slider and a wrong eps length", () => {
    const eps = drawEps(12, 0);
    expect(() => observe(x, S, { kind: "gaussian", sigma: 0 }, eps)).toThrow(/sigma/);
    expect(() => observe(x, S, { kind: "vp", u: 1.5 }, eps)).toThrow(/time u/);
    expect(() => observe(x, S, { kind: "vp", u: 0.5 }, drawEps(5, 0))).toThrow(/eps has 5/);
  });
});
