import { Rng, noisyEvidence } from "@ghmkit/ghm";
import { qSampleVP, stateEvidence } from "@ghmkit/diffusion";
import { DEMO_SCHEDULE, observe } from "./noise";

const x = Int32Array.from([2, 0, 1, 1]);
const S = 3;

// How ghm's noisyEvidence draws and rescales is tested in ghm; here, the slider's mapping onto it.
describe("observe", () => {
  it("gaussian: alpha = 1, the slider's sigma, the noise seed; abar = 1/(1 + sigma^2)", () => {
    const ref = noisyEvidence(x, 1, 4, S, { kind: "gaussian", alpha: 1, sigma: 0.7 }, new Rng(5), { keepZ: true });
    const o = observe(x, S, { kind: "gaussian", sigma: 0.7 }, 5);
    expect(Array.from(o.z)).toEqual(Array.from(ref.z!));
    expect(Array.from(o.evidence.e)).toEqual(Array.from(ref.evidence.e));
    expect(o.abar).toBeCloseTo(1 / (1 + 0.49), 15);
  });

  it("vp: the same state as diffusion's qSampleVP at abar(u), and its evidence", () => {
    const u = 0.4;
    const abar = DEMO_SCHEDULE.abarAt(u);
    const xt = qSampleVP(x, S, abar, new Rng(9));
    const o = observe(x, S, { kind: "vp", u }, 9);
    expect(o.abar).toBe(abar);
    o.z.forEach((v, i) => expect(v).toBeCloseTo(xt[i], 14));
    const ref = stateEvidence({ process: "vp", batch: 1, d: 4, S, abar, xt });
    o.evidence.e.forEach((v, i) => expect(v).toBeCloseTo(ref.e[i], 10));
  });

  it("refuses levels off the slider", () => {
    expect(() => observe(x, S, { kind: "gaussian", sigma: 0 }, 0)).toThrow(/sigma/);
    expect(() => observe(x, S, { kind: "vp", u: 1.5 }, 0)).toThrow(/time u/);
  });
});
