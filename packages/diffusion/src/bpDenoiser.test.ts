import { logLikelihood } from "@ghmkit/bp";
import { Rng, sample } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser } from "./bpDenoiser";
import { type DenoiserInput, type DiffusionProcess, MASK } from "./denoiser";
import { qSampleMask, qSampleUniform } from "./discrete";
import { sampleMetrics } from "./metrics";
import { ABAR_MIN } from "./schedules";
import { tinyRules } from "./testing/grammars";
import { qSampleVP } from "./vp";

const g = tinyRules([0.3, 0.7]);
const d = 4;
const S = 3;

function noisy(process: DiffusionProcess, x0: Int32Array, n: number, abar: number, rng: Rng): DenoiserInput {
  if (process === "vp") return { process, batch: n, d, S, abar, xt: qSampleVP(x0, S, abar, rng) };
  return {
    process,
    batch: n,
    d,
    S,
    abar,
    xt: (process === "uniform" ? qSampleUniform : qSampleMask)(x0, S, abar, rng),
  };
}

describe.each(["vp", "uniform", "mask"] as const)("exact posterior sampling (%s)", (process) => {
  it("returns the input at t -> 0", async () => {
    const rng = new Rng(1);
    const real = sample(g, 200, rng);
    const den = bpJointDenoiser(g);
    const abar = process === "mask" ? 1 : 1 - 1e-4;
    const x = await den.sampleJoint!(noisy(process, real.x, 200, abar, rng), rng);
    expect(Array.from(x)).toEqual(Array.from(real.x));
  });

  it("draws valid sentences with class frequencies pi at maximum noise", async () => {
    const rng = new Rng(2);
    const n = 3000;
    const real = sample(g, n, rng);
    const x = await bpJointDenoiser(g).sampleJoint!(noisy(process, real.x, n, ABAR_MIN, rng), rng);
    const m = sampleMetrics(g, x, n);
    expect(m.validity).toBe(1);
    expect(m.classTV!).toBeLessThan(0.03);
  });

  it("has per-leaf posteriors that match the joint draws' leaf frequencies", async () => {
    const rng = new Rng(3);
    const one = sample(g, 1, rng).x;
    const input = noisy(process, one, 1, 0.3, rng);
    const p = await bpDenoiser(g).posterior(input);
    const reps = 4000;
    const batch: DenoiserInput =
      input.process === "vp"
        ? { ...input, batch: reps, xt: repeat(input.xt, reps) }
        : { ...input, batch: reps, xt: repeat(input.xt, reps) };
    const draws = await bpJointDenoiser(g).sampleJoint!(batch, rng);
    for (let i = 0; i < d; i++) {
      let z = 0;
      for (let s = 0; s < S; s++) {
        let c = 0;
        for (let r = 0; r < reps; r++) if (draws[r * d + i] === s) c++;
        expect(c / reps).toBeCloseTo(p[i * S + s], 1);
        z += p[i * S + s];
      }
      expect(z).toBeCloseTo(1, 12);
    }
  });
});

function repeat<T extends Float64Array | Int32Array>(a: T, k: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length * k);
  for (let r = 0; r < k; r++) out.set(a, r * a.length);
  return out;
}

it("answers impossible mask states instead of failing", async () => {
  // (2,1) is no level-2 rule, so the visible leaves contradict the grammar.
  const input: DenoiserInput = {
    process: "mask",
    batch: 2,
    d,
    S,
    abar: 0.5,
    xt: Int32Array.of(2, 1, MASK, MASK, 0, 1, MASK, MASK),
  };
  const p = await bpDenoiser(g).posterior(input);
  for (let i = 0; i < 2 * d; i++) expect(p[i * S] + p[i * S + 1] + p[i * S + 2]).toBeCloseTo(1, 12);
  const x = await bpJointDenoiser(g).sampleJoint!(input, new Rng(4));
  expect(x.every((v) => v >= 0 && v < S)).toBe(true);
  expect(logLikelihood(g, x.subarray(4), 1)[0]).toBeGreaterThan(-Infinity);
});

it("rejects inputs of the wrong size for the grammar", () => {
  expect(() =>
    bpDenoiser(g).posterior({ process: "uniform", batch: 1, d: 2, S, abar: 0.5, xt: Int32Array.of(0, 1) }),
  ).toThrow(/grammar needs d = 4/);
});
