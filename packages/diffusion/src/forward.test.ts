import { Rng } from "@ghmkit/ghm";
import { MASK } from "./denoiser";
import { qSampleMask, qSampleUniform } from "./discrete";
import { argmaxLeaves, oneHot, stateEvidence } from "./evidence";
import { epsFromX0, qSampleVP, tweedieScore } from "./vp";

const S = 5;
const rows = 20000;
const x0 = Int32Array.from({ length: rows }, (_, i) => (i * 7) % S);

it("VP forward: signal sqrt(abar) on the true symbol, noise variance 1 - abar", () => {
  const abar = 0.3;
  const xt = qSampleVP(x0, S, abar, new Rng(1));
  let onMean = 0,
    offMean = 0,
    offVar = 0;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < S; s++) {
      const v = xt[r * S + s];
      if (s === x0[r]) onMean += v;
      else {
        offMean += v;
        offVar += v * v;
      }
    }
  }
  const off = rows * (S - 1);
  expect(onMean / rows).toBeCloseTo(Math.sqrt(abar), 1);
  expect(offMean / off).toBeCloseTo(0, 1);
  expect(offVar / off).toBeCloseTo(1 - abar, 1);
});

it("uniform forward keeps a symbol with probability abar + (1 - abar)/S", () => {
  const abar = 0.4;
  const xt = qSampleUniform(x0, S, abar, new Rng(2));
  const same = xt.reduce((c, v, i) => c + (v === x0[i] ? 1 : 0), 0) / rows;
  expect(same).toBeCloseTo(abar + (1 - abar) / S, 1);
  expect(xt.every((v) => v >= 0 && v < S)).toBe(true);
});

it("mask forward masks with probability 1 - abar and keeps the rest intact", () => {
  const abar = 0.25;
  const xt = qSampleMask(x0, S, abar, new Rng(3));
  let masked = 0;
  xt.forEach((v, i) => {
    if (v === MASK) masked++;
    else expect(v).toBe(x0[i]);
  });
  expect(masked / rows).toBeCloseTo(1 - abar, 1);
});

it("forward draws reject symbols outside the vocabulary and abar outside (0, 1]", () => {
  expect(() => qSampleVP(Int32Array.of(S), S, 0.5, new Rng(0))).toThrow(/outside/);
  expect(() => qSampleMask(Int32Array.of(0), S, 0, new Rng(0))).toThrow(/abar/);
  expect(() => qSampleUniform(Int32Array.of(0), S, 1.5, new Rng(0))).toThrow(/abar/);
});

describe("stateEvidence", () => {
  const x = Int32Array.of(0, 2, 1);
  it("vp: sqrt(abar)/(1 - abar) x_t, and exact data at abar = 1", () => {
    const xt = Float64Array.from({ length: 3 * 3 }, (_, i) => i / 10 - 0.3);
    const ev = stateEvidence({ process: "vp", batch: 1, d: 3, S: 3, abar: 0.5, xt });
    ev.e.forEach((v, i) => expect(v).toBeCloseTo((Math.sqrt(0.5) / 0.5) * xt[i], 12));
    const clean = stateEvidence({ process: "vp", batch: 1, d: 3, S: 3, abar: 1, xt: oneHot(x, 3) });
    expect(Array.from(clean.e)).toEqual([0, -Infinity, -Infinity, -Infinity, -Infinity, 0, -Infinity, 0, -Infinity]);
  });
  it("uniform: log(abar [o = s] + (1 - abar)/S)", () => {
    const ev = stateEvidence({ process: "uniform", batch: 1, d: 3, S: 3, abar: 0.4, xt: x });
    expect(ev.e[0]).toBeCloseTo(Math.log(0.4 + 0.2), 12);
    expect(ev.e[1]).toBeCloseTo(Math.log(0.2), 12);
  });
  it("mask: 0 on masked leaves, exact elsewhere", () => {
    const ev = stateEvidence({ process: "mask", batch: 1, d: 3, S: 3, abar: 0.4, xt: Int32Array.of(-1, 2, -1) });
    expect(Array.from(ev.e)).toEqual([0, 0, 0, -Infinity, -Infinity, 0, 0, 0, 0]);
  });
  it("rejects a wrong shape or a bad symbol", () => {
    expect(() => stateEvidence({ process: "mask", batch: 2, d: 3, S: 3, abar: 0.4, xt: x })).toThrow(/batch\*d/);
    expect(() =>
      stateEvidence({ process: "uniform", batch: 1, d: 3, S: 3, abar: 0.4, xt: Int32Array.of(0, 3, 1) }),
    ).toThrow(/\[1\]: 3/);
    expect(() => stateEvidence({ process: "vp", batch: 1, d: 1, S: 3, abar: 0, xt: new Float64Array(3) })).toThrow(
      /abar/,
    );
  });
});

it("Tweedie with the true x_0 gives -eps/sqrt(1 - abar)", () => {
  const abar = 0.6;
  const xs = Int32Array.of(1, 0, 2);
  const xt = qSampleVP(xs, 3, abar, new Rng(9));
  const x0 = oneHot(xs, 3);
  const score = tweedieScore(x0, xt, abar);
  const eps = epsFromX0(x0, xt, abar);
  score.forEach((v, i) => expect(v).toBeCloseTo(-eps[i] / Math.sqrt(1 - abar), 12));
  expect(() => tweedieScore(x0, xt, 1)).toThrow(/undefined at abar = 1/);
});

it("argmaxLeaves inverts oneHot", () => {
  expect(Array.from(argmaxLeaves(oneHot(Int32Array.of(2, 0, 1), 3), 3, 3))).toEqual([2, 0, 1]);
});
