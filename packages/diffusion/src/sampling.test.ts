import { randomRhm } from "@ghmkit/ghm";
import { bpDenoiser, bpJointDenoiser } from "./bpDenoiser";
import { type GenerateOptions, Sampling, generate } from "./generate";
import { linearSchedule } from "./schedules";

const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 3 });
const schedule = linearSchedule({ T: 100 });

/** Steps a Sampling to the end, recording the timestep before every step. */
async function stepAll(o: GenerateOptions): Promise<{ run: Sampling; seen: number[] }> {
  const run = new Sampling(o);
  const seen: number[] = [];
  while (!run.finished) {
    seen.push(run.t);
    await run.step();
  }
  return { run, seen };
}

describe("Sampling: generate()'s loop, one step per call", () => {
  it.each([
    ["vp ddpm, bp", "vp", "ddpm", "bp", "marginal"],
    ["vp ddim, bp", "vp", "ddim", "bp", "marginal"],
    ["vp ddpm, bp-joint, joint x0", "vp", "ddpm", "bp-joint", "marginal"],
    ["vp ddpm, joint x0", "vp", "ddpm", "bp-joint", "joint"],
    ["uniform", "uniform", undefined, "bp", "marginal"],
    ["mask", "mask", undefined, "bp-joint", "joint"],
  ] as const)(
    "%s: ends on the samples generate() returns, over several batches",
    async (_, process, sampler, den, x0) => {
      for (const seed of [0, 1]) {
        const denoiser = den === "bp" ? bpDenoiser(g) : bpJointDenoiser(g);
        const o: GenerateOptions = {
          grammar: g,
          denoiser,
          process,
          sampler,
          steps: 10,
          n: 5,
          seed,
          x0,
          schedule,
          batchSize: 2,
        };
        const { run, seen } = await stepAll(o);
        const ref = await generate(o);
        expect(Array.from(run.result().x)).toEqual(Array.from(ref.x));
        expect(run.result().config).toEqual(ref.config);
        expect(run.done).toBe(run.total);
        expect(run.total).toBe(3 * 10);
        expect(seen.slice(0, 10)).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10]);
        expect(run.t).toBe(0);
        expect(run.symbols).toHaveLength((1 * 16) / 4); // the last batch holds one row of d = 4 leaves
      }
    },
  );

  it("exposes the current state as a denoiser input, and refuses to step past the end or report early", async () => {
    const run = new Sampling({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 2, n: 1, seed: 0, schedule });
    expect(run.input()).toMatchObject({ process: "vp", batch: 1, d: 4, S: 4, abar: schedule.abar(100) });
    expect(run.input().xt).toHaveLength(16);
    expect(run.x0).toBeNull();
    expect(() => run.result()).toThrow(/not finished: 0 of 2/);
    const first = await run.step();
    expect(first).toEqual({ done: 1, total: 2, t: 100, abar: schedule.abar(100) });
    expect(run.x0).toHaveLength(16);
    expect(run.symbols).toBeNull();
    await run.step();
    expect(run.symbols).toHaveLength(4);
    await expect(run.step()).rejects.toThrow(/finished/);
  });

  it("checks its options as generate() does, before any step", () => {
    expect(
      () => new Sampling({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 2, n: 1, seed: 0, x0: "joint" }),
    ).toThrow(/sampleJoint/);
    expect(() => new Sampling({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 0, n: 1, seed: 0 })).toThrow(
      /steps/,
    );
  });

  it("n = 0: finished from the start, with no samples", () => {
    const run = new Sampling({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 3, n: 0, seed: 0 });
    expect(run.finished).toBe(true);
    expect(run.result().x).toHaveLength(0);
  });
});
