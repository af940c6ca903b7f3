import type { Denoiser, DenoiserInput } from "./denoiser";
import { oneHot } from "./evidence";
import { generate } from "./generate";
import { tinyRules } from "./testing/grammars";

const g = tinyRules();
const target = Int32Array.of(2, 0, 1, 1);

/** Knows the answer: p(x_0 | x_t) is the one-hot of `target` on every row, returned asynchronously. */
function oracle(withJoint: boolean): Denoiser & { calls: number } {
  const self = {
    name: "oracle",
    calls: 0,
    posterior: async (input: DenoiserInput) => {
      self.calls++;
      const x = new Int32Array(input.batch * input.d);
      for (let r = 0; r < input.batch; r++) x.set(target, r * input.d);
      return oneHot(x, input.S);
    },
    ...(withJoint
      ? {
          sampleJoint: (input: DenoiserInput) => {
            self.calls++;
            const x = new Int32Array(input.batch * input.d);
            for (let r = 0; r < input.batch; r++) x.set(target, r * input.d);
            return x;
          },
        }
      : {}),
  };
  return self;
}

describe.each(["vp", "uniform", "mask"] as const)("generate (%s)", (process) => {
  it("returns the denoiser's certain answer, one call per step, with progress", async () => {
    const den = oracle(false);
    const seen: number[] = [];
    const out = await generate({
      grammar: g,
      denoiser: den,
      process,
      steps: 12,
      n: 5,
      seed: 1,
      batchSize: 2,
      onStep: (p) => seen.push(p.done / p.total),
    });
    expect(out.n).toBe(5);
    expect(out.d).toBe(4);
    for (let r = 0; r < 5; r++) expect(Array.from(out.x.subarray(r * 4, r * 4 + 4))).toEqual(Array.from(target));
    expect(den.calls).toBe(3 * 12);
    expect(seen).toHaveLength(3 * 12);
    expect(seen[seen.length - 1]).toBe(1);
    expect(out.config.steps).toBe(12);
  });

  it("uses joint draws when asked", async () => {
    const out = await generate({ grammar: g, denoiser: oracle(true), process, steps: 5, n: 3, seed: 2, x0: "joint" });
    expect(Array.from(out.x.subarray(0, 4))).toEqual(Array.from(target));
    expect(out.config.x0).toBe("joint");
  });
});

it("refuses joint modes without sampleJoint and bad options", async () => {
  const base = { grammar: g, denoiser: oracle(false), process: "vp" as const, steps: 5, n: 2, seed: 0 };
  await expect(generate({ ...base, x0: "joint" })).rejects.toThrow(/sampleJoint/);
  await expect(generate({ ...base, finalize: "joint" })).rejects.toThrow(/sampleJoint/);
  await expect(generate({ ...base, steps: 0 })).rejects.toThrow(/steps/);
  await expect(generate({ ...base, schedule: { kind: "linear", T: 3 } })).rejects.toThrow(
    /steps: must be an integer in \[1, T = 3\]/,
  );
  await expect(generate({ ...base, sampler: "euler" as "ddpm" })).rejects.toThrow(/sampler/);
});

it("rejects a denoiser that returns NaN", async () => {
  const bad: Denoiser = { name: "nan", posterior: (i) => new Float64Array(i.batch * i.d * i.S).fill(NaN) };
  await expect(generate({ grammar: g, denoiser: bad, process: "uniform", steps: 3, n: 2, seed: 0 })).rejects.toThrow(
    /p\[0\] = NaN/,
  );
});
