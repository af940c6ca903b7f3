import { Rng } from "@ghmkit/ghm";
import { MASK } from "../denoiser";
import { qSampleMask, qSampleUniform } from "../discrete";
import { oneHot } from "../evidence";
import { linearSchedule } from "../schedules";
import { qSampleVP } from "../vp";
import { DDIMScheduler } from "./ddim";
import { DDPMScheduler } from "./ddpm";
import { MaskScheduler } from "./mask";
import { UniformScheduler } from "./uniform";

const schedule = linearSchedule({ T: 100, betaStart: 1e-3, betaEnd: 0.1 });
const S = 4;
const rows = 20000;
const x0 = Int32Array.from({ length: rows }, (_, i) => i % S);
const x0hot = oneHot(x0, S);

describe("timesteps", () => {
  it("are distinct, descending from T, and end at 0", () => {
    const s = new DDPMScheduler(schedule);
    s.setTimesteps(7);
    expect(s.timesteps[0]).toBe(100);
    expect(s.timesteps).toHaveLength(7);
    for (let i = 1; i < 7; i++) expect(s.timesteps[i]).toBeLessThan(s.timesteps[i - 1]);
    expect(s.timesteps[6]).toBeGreaterThanOrEqual(1);
    expect(s.prevTimestep(s.timesteps[6])).toBe(0);
    expect(s.config).toEqual({ sampler: "ddpm", schedule: schedule.config, steps: 7 });
  });
  it("reject bad counts and foreign timesteps", () => {
    const s = new DDPMScheduler(schedule);
    expect(() => s.setTimesteps(101)).toThrow(/steps: must be/);
    s.setTimesteps(10);
    expect(() => s.prevTimestep(55)).toThrow(/not one of/);
  });
});

/** Mean of the true-symbol coordinate and variance of the others. */
function moments(x: Float64Array): { on: number; offVar: number } {
  let on = 0,
    off = 0;
  for (let r = 0; r < rows; r++)
    for (let s = 0; s < S; s++) {
      const v = x[r * S + s];
      if (s === x0[r]) on += v;
      else off += v * v;
    }
  return { on: on / rows, offVar: off / (rows * (S - 1)) };
}

it("DDPM with the true x_0 maps q(x_t | x_0) to q(x_t' | x_0)", () => {
  const s = new DDPMScheduler(schedule);
  s.setTimesteps(10);
  const t = s.timesteps[3];
  const tp = s.prevTimestep(t);
  const rng = new Rng(5);
  const xt = qSampleVP(x0, S, schedule.abar(t), rng);
  const m = moments(s.step(x0hot, t, xt, rng));
  expect(m.on).toBeCloseTo(Math.sqrt(schedule.abar(tp)), 1);
  expect(m.offVar).toBeCloseTo(1 - schedule.abar(tp), 1);
});

it("DDIM eta = 0 keeps the same noise: x_t' = sqrt(abar_t') x_0 + sqrt(1 - abar_t') eps", () => {
  const s = new DDIMScheduler(schedule);
  s.setTimesteps(5);
  const t = s.timesteps[1];
  const tp = s.prevTimestep(t);
  const eps = Float64Array.of(0.3, -1.2, 0.7, 2.0);
  const x = oneHot(Int32Array.of(2), S);
  const xt = x.map((v, i) => Math.sqrt(schedule.abar(t)) * v + Math.sqrt(1 - schedule.abar(t)) * eps[i]);
  const out = s.step(x, t, xt, new Rng(0));
  out.forEach((v, i) =>
    expect(v).toBeCloseTo(Math.sqrt(schedule.abar(tp)) * x[i] + Math.sqrt(1 - schedule.abar(tp)) * eps[i], 10),
  );
});

it("DDIM eta = 1 also preserves the marginals; the last VP step returns x0_hat", () => {
  const s = new DDIMScheduler(schedule, { eta: 1 });
  s.setTimesteps(10);
  const t = s.timesteps[5];
  const rng = new Rng(6);
  const m = moments(s.step(x0hot, t, qSampleVP(x0, S, schedule.abar(t), rng), rng));
  expect(m.on).toBeCloseTo(Math.sqrt(schedule.abar(s.prevTimestep(t))), 1);
  expect(m.offVar).toBeCloseTo(1 - schedule.abar(s.prevTimestep(t)), 1);
  const last = s.timesteps[9];
  expect(Array.from(s.step(x0hot.subarray(0, 8), last, new Float64Array(8), rng))).toEqual(
    Array.from(x0hot.subarray(0, 8)),
  );
  expect(() => new DDIMScheduler(schedule, { eta: 2 })).toThrow(/eta/);
});

it("uniform D3PM step with the true x_0 maps q(x_t | x_0) to q(x_t' | x_0)", () => {
  const s = new UniformScheduler(schedule);
  s.setTimesteps(4);
  const rng = new Rng(7);
  for (const t of s.timesteps) {
    const tp = s.prevTimestep(t);
    const out = s.step(x0hot, t, qSampleUniform(x0, S, schedule.abar(t), rng), rng);
    const same = out.reduce((c, v, i) => c + (v === x0[i] ? 1 : 0), 0) / rows;
    const ap = schedule.abar(tp);
    expect(same).toBeCloseTo(ap + (1 - ap) / S, 1);
  }
});

it("uniform step with per-leaf p(x_0) mixes the posteriors", () => {
  const s = new UniformScheduler(schedule);
  s.setTimesteps(1);
  // Last step (abar_prev = 1): x_0 is drawn from p itself.
  const p = new Float64Array(rows * S);
  for (let r = 0; r < rows; r++) p.set([0.1, 0.2, 0.3, 0.4], r * S);
  const out = s.step(p, s.timesteps[0], new Int32Array(rows), new Rng(8));
  const counts = [0, 0, 0, 0];
  out.forEach((v) => counts[v]++);
  counts.forEach((c, i) => expect(c / rows).toBeCloseTo([0.1, 0.2, 0.3, 0.4][i], 1));
});

it("mask step unmasks to the right level, with x_0's symbols, and everything at the end", () => {
  const s = new MaskScheduler(schedule);
  s.setTimesteps(4);
  const rng = new Rng(9);
  const t = s.timesteps[1];
  const out = s.step(x0hot, t, qSampleMask(x0, S, schedule.abar(t), rng), rng);
  let masked = 0;
  out.forEach((v, i) => {
    if (v === MASK) masked++;
    else expect(v).toBe(x0[i]);
  });
  expect(masked / rows).toBeCloseTo(1 - schedule.abar(s.prevTimestep(t)), 1);
  const all = s.step(x0hot, s.timesteps[3], s.priorSample(rows), rng);
  expect(Array.from(all)).toEqual(Array.from(x0));
});
