import { randomRhm } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser, generate, linearSchedule } from "@ghmkit/diffusion";
import { DiffusionStepper, type StepperOptions } from "./stepper";

const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 3 });
const schedule = linearSchedule({ T: 100 });

async function runAll(o: StepperOptions): Promise<{ symbols: Int32Array; seen: number[] }> {
  const st = new DiffusionStepper(o);
  const seen: number[] = [];
  while (!st.finished) {
    seen.push(st.t);
    await st.step();
  }
  expect(st.done).toBe(st.total);
  expect(st.t).toBe(0);
  return { symbols: st.symbols!, seen };
}

describe("DiffusionStepper", () => {
  it.each([
    ["bp, ddpm", "bp", "ddpm", "marginal"],
    ["bp, ddim", "bp", "ddim", "marginal"],
    ["bp-joint, ddpm, joint x0", "bp-joint", "ddpm", "joint"],
  ] as const)("%s: ends on the sequence generate() returns for the same seed", async (_, den, sampler, x0) => {
    for (const seed of [0, 1, 2]) {
      const denoiser = den === "bp" ? bpDenoiser(g) : bpJointDenoiser(g);
      const { symbols, seen } = await runAll({ grammar: g, denoiser, sampler, steps: 10, seed, x0, schedule });
      const ref = await generate({ grammar: g, denoiser, process: "vp", sampler, steps: 10, n: 1, seed, x0, schedule });
      expect(Array.from(symbols)).toEqual(Array.from(ref.x));
      expect(seen).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10]);
    }
  });

  it("the exact joint sampler generates sentences of the grammar", async () => {
    const { logLikelihood } = await import("@ghmkit/bp");
    for (const seed of [0, 1, 2, 3]) {
      const { symbols } = await runAll({
        grammar: g,
        denoiser: bpJointDenoiser(g),
        sampler: "ddpm",
        steps: 20,
        seed,
        x0: "joint",
        schedule,
      });
      expect(logLikelihood(g, symbols, 1)[0]).toBeGreaterThan(-Infinity);
    }
  });

  it("exposes the state as a vp denoiser input and refuses to step past the end", async () => {
    const st = new DiffusionStepper({
      grammar: g,
      denoiser: bpDenoiser(g),
      sampler: "ddpm",
      steps: 2,
      seed: 0,
      x0: "marginal",
      schedule,
    });
    const input = st.input();
    expect(input).toMatchObject({ process: "vp", batch: 1, d: 4, S: 4, abar: schedule.abar(100) });
    expect(input.xt).toHaveLength(16);
    await st.step();
    expect(st.x0).toHaveLength(16);
    await st.step();
    await expect(st.step()).rejects.toThrow(/finished/);
  });

  it("refuses joint x0 with a marginal-only denoiser", () => {
    expect(
      () =>
        new DiffusionStepper({ grammar: g, denoiser: bpDenoiser(g), sampler: "ddpm", steps: 2, seed: 0, x0: "joint" }),
    ).toThrow(/sampleJoint/);
  });

  it("a different seed gives a different start", () => {
    const a = new DiffusionStepper({
      grammar: g,
      denoiser: bpDenoiser(g),
      sampler: "ddpm",
      steps: 2,
      seed: 0,
      x0: "marginal",
    }).state;
    const b = new DiffusionStepper({
      grammar: g,
      denoiser: bpDenoiser(g),
      sampler: "ddpm",
      steps: 2,
      seed: 1,
      x0: "marginal",
    }).state;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
