import { ABAR_MIN, type NoiseSchedule, cosineSchedule, linearSchedule, makeSchedule } from ".";

const schedules: [string, NoiseSchedule][] = [
  ["linear T=1000", linearSchedule()],
  ["linear T=10", linearSchedule({ T: 10, betaStart: 0.01, betaEnd: 0.5 })],
  ["cosine T=1000", cosineSchedule()],
  ["cosine T=7", cosineSchedule({ T: 7 })],
];

describe.each(schedules)("%s", (_, sch) => {
  it("starts at abar = 1, decreases strictly, stays finite in (0, 1]", () => {
    expect(sch.abar(0)).toBe(1);
    for (let t = 1; t <= sch.T; t++) {
      const a = sch.abar(t);
      expect(Number.isFinite(a)).toBe(true);
      expect(a).toBeGreaterThanOrEqual(ABAR_MIN);
      expect(a).toBeLessThan(sch.abar(t - 1));
      const b = sch.beta(t);
      expect(b).toBeGreaterThan(0);
      expect(b).toBeLessThan(1);
      expect(a).toBeCloseTo(sch.abar(t - 1) * (1 - b), 12);
    }
  });

  it("continuous form: 1 at u = 0, non-increasing, finite and positive at u = 1", () => {
    expect(sch.abarAt(0)).toBe(1);
    let prev = 1;
    for (let k = 1; k <= 200; k++) {
      const a = sch.abarAt(k / 200);
      expect(a).toBeLessThanOrEqual(prev);
      expect(a).toBeGreaterThanOrEqual(ABAR_MIN);
      expect(Number.isFinite(Math.sqrt(a) / (1 - a))).toBe(true);
      prev = a;
    }
  });

  it("rebuilds from its config", () => {
    const again = makeSchedule(sch.config);
    for (let t = 0; t <= sch.T; t++) expect(again.abar(t)).toBe(sch.abar(t));
  });
});

it("discrete and continuous forms agree for T = 1000", () => {
  for (const sch of [linearSchedule(), cosineSchedule()]) {
    for (const t of [10, 100, 300, 500, 700])
      expect(Math.abs(Math.log(sch.abar(t) / sch.abarAt(t / 1000)))).toBeLessThan(0.05);
  }
});

it("the default linear schedule nearly destroys the signal at T", () => {
  expect(linearSchedule().abar(1000)).toBeLessThan(1e-4);
  expect(cosineSchedule().abar(1000)).toBeLessThan(1e-4);
});

it("rejects bad options with the field's name", () => {
  expect(() => linearSchedule({ T: 0 })).toThrow(/T must be/);
  expect(() => linearSchedule({ betaStart: 0 })).toThrow(/betaStart/);
  expect(() => linearSchedule({ betaEnd: 1 })).toThrow(/betaEnd/);
  expect(() => cosineSchedule({ s: -1 })).toThrow(/offset s/);
  expect(() => linearSchedule().abar(1001)).toThrow(/step t/);
  expect(() => linearSchedule().abarAt(1.5)).toThrow(/continuous time/);
  expect(() => makeSchedule({ kind: "exp" as "linear", T: 3 })).toThrow(/schedule kind/);
});
