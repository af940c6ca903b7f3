import { forwardBackward } from "./forwardBackward";
import { ABAR_MIN } from "./schedules";
import { tinyRules } from "./testing/grammars";

const g = tinyRules([0.3, 0.7]);

describe.each(["vp", "uniform", "mask"] as const)("forward-backward (%s)", (process) => {
  it("keeps everything at tiny noise and only chance agreement at maximum noise", () => {
    const rows = forwardBackward({ grammar: g, process, abars: [1 - 1e-6, 0.5, ABAR_MIN], n: 1000, seed: 1 });
    expect(rows).toHaveLength(3);
    const [clean, mid, noise] = rows;
    expect(clean.classAgreement).toBe(1);
    expect(clean.levelAgreement).toEqual([1, 1, 1]);
    // A fresh draw agrees with an independent one with probability sum_y pi(y)^2.
    expect(noise.classAgreement).toBeCloseTo(0.3 ** 2 + 0.7 ** 2, 1);
    expect(mid.classAgreement).toBeGreaterThan(noise.classAgreement);
    expect(mid.classAgreement).toBeLessThan(1);
    for (const r of rows) expect(r.levelAgreement[0]).toBe(r.classAgreement);
  });
});

it("maps continuous times through the schedule", () => {
  const rows = forwardBackward({
    grammar: g,
    process: "uniform",
    times: [0, 1],
    n: 50,
    seed: 2,
    schedule: { kind: "cosine", T: 100 },
  });
  expect(rows[0]).toMatchObject({ t: 0, abar: 1, classAgreement: 1 });
  expect(rows[1].t).toBe(1);
  expect(rows[1].abar).toBeLessThan(1e-6);
  expect(() => forwardBackward({ grammar: g, process: "vp", n: 5, seed: 0 })).toThrow(/exactly one of times/);
});
