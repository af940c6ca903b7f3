import { Rng } from "./rng";

describe("Rng", () => {
  it("same seed, same stream; different seeds differ", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(sa);
    expect(() => new Rng(NaN)).toThrow(/seed/);
  });

  it("uniform in [0, 1) with mean 1/2 and int(n) covers [0, n) evenly", () => {
    const r = new Rng(1);
    const n = 20000;
    let sum = 0;
    const counts = new Array(5).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      counts[r.int(5)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    for (const c of counts) expect(Math.abs(c / n - 0.2)).toBeLessThan(0.015);
  });

  it("normal has mean 0 and variance 1", () => {
    const r = new Rng(2);
    const v = Array.from({ length: 20000 }, () => r.normal());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("categorical follows the weights, honours offset/n, skips zeros, refuses all-zero", () => {
    const r = new Rng(3);
    const w = [9, 1, 0, 3];
    const counts = [0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[r.categorical(w)]++;
    expect(counts[2]).toBe(0);
    expect(Math.abs(counts[0] / n - 9 / 13)).toBeLessThan(0.02);
    expect(Math.abs(counts[3] / n - 3 / 13)).toBeLessThan(0.02);
    for (let i = 0; i < 100; i++) expect(r.categorical(w, 2, 2)).toBe(1);
    expect(() => r.categorical([0, 0])).toThrow(/all weights are zero/);
  });

  it("shuffle permutes; fork gives an independent reproducible stream", () => {
    const a = new Rng(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const f1 = new Rng(6).fork();
    const f2 = new Rng(6).fork();
    expect(f1.nextUint32()).toBe(f2.nextUint32());
  });

  it("getState/setState resume the exact stream, including a pending normal", () => {
    const r = new Rng(7);
    r.normal();
    const state = JSON.parse(JSON.stringify(r.getState()));
    const expected = [r.normal(), r.uniform(), r.normal()];
    const resumed = new Rng(0).setState(state);
    expect([resumed.normal(), resumed.uniform(), resumed.normal()]).toEqual(expected);
  });
});
