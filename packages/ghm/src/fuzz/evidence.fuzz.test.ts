/**
 * The evidence builders under hostile arguments (shapes that are negative,
 * fractional, NaN or too large; symbols out of range; noise parameters at and beyond
 * their limits; observations of any magnitude): an InputError naming the argument, or
 * evidence with no NaN and no +Infinity.
 */
import fc from "fast-check";
import { type Evidence, exactEvidence, logitsEvidence, maskedEvidence } from "../evidence";
import { gaussianEvidenceFromZ } from "../gaussianEvidence";
import { type Noise, noisyEvidence } from "../noisyEvidence";
import { uniformEvidence } from "../uniformEvidence";
import { Rng } from "../rng";
import { InputError } from "../inputError";
import { fuzzRuns, fuzzTimeout } from "@ghmkit/testkit";

const ARGS = ["batch", "d", "S", "x", "obs", "h", "z", "alpha", "sigma", "keep", "abar"];
const size = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 0.5, NaN, Infinity, 2 ** 31, 2 ** 53));
const real = fc.oneof(fc.double(), fc.constantFrom(0, 1e-300, 1e-160, 1e300, -1e300, 5e-324));
const symbol = fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constantFrom(0.5, NaN));

function check(build: () => Evidence): void {
  let ev: Evidence;
  try {
    ev = build();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${String(e)}`);
    expect(ARGS.some((a) => new RegExp(`\\b${a}\\b`).test(e.message))).toBe(true);
    return;
  }
  expect(ev.e.length).toBe(ev.batch * ev.d * ev.S);
  expect(ev.e.every((v) => !Number.isNaN(v) && v !== Infinity)).toBe(true);
}

function resize(a: number[], n: number): number[] {
  return Number.isInteger(n) && n >= 0 && n <= 256
    ? Array.from({ length: n }, (_, i) => a[i % Math.max(1, a.length)] ?? 0)
    : a;
}

test(
  "every builder: an InputError naming the argument, or evidence without NaN or +Infinity",
  () => {
    fc.assert(
      fc.property(
        size,
        size,
        size,
        fc.array(symbol, { maxLength: 48 }),
        fc.array(real, { maxLength: 48 }),
        real,
        real,
        real,
        fc.integer(),
        fc.boolean(),
        (batch, d, S, x0, h0, alpha, sigma, keep, seed, fit) => {
          // Half the cases get arrays of the right length, so the value checks are reached too.
          const x = fit ? resize(x0, batch * d) : x0;
          const h = fit ? resize(h0, batch * d * S) : h0;
          check(() => exactEvidence(x, batch, d, S));
          check(() => maskedEvidence(x, batch, d, S));
          check(() => logitsEvidence(h, batch, d, S));
          check(() => gaussianEvidenceFromZ(h, batch, d, S, alpha, sigma));
          check(() => uniformEvidence(x, batch, d, S, keep));
          const noisy = (noise: Noise) => () => noisyEvidence(x, batch, d, S, noise, new Rng(seed)).evidence;
          check(noisy({ kind: "gaussian", alpha, sigma }));
          check(noisy({ kind: "vp", abar: keep }));
          check(noisy({ kind: "vp", abar: () => keep }));
          check(noisy({ kind: "uniform", keep }));
          check(noisy({ kind: "mask", keep }));
        },
      ),
      { numRuns: fuzzRuns(2000) },
    );
  },
  fuzzTimeout(),
);
