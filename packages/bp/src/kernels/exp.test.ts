import { Rng } from "@ghmkit/ghm";
import { EXP_TABLE, expNonPositive } from "./exp";
import { makeArena } from "./wasm";

/** Distance in units in the last place between two non-negative doubles. */
function ulps(a: number, b: number): number {
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}

function samples(): number[] {
  const rng = new Rng(11);
  const xs = [0, -0, -1e-300, -5e-324, -1e-17, -0.5, -Math.LN2 / 2, -Math.LN2, -1, -10, -100, -700, -708.39, -708.4];
  xs.push(-709, -720, -740, -744.44, -745.13, -745.14, -746, -800, -1e300, Number.NEGATIVE_INFINITY);
  for (let i = 0; i < 20000; i++) xs.push(-750 * rng.uniform() ** 3);
  for (let k = -1080; k < 0; k++) xs.push(k * Math.LN2, (k + 0.5) * Math.LN2);
  return xs;
}

test("expNonPositive is within 1 ulp of Math.exp for normal results, and 0 at -Infinity", () => {
  let worst = 0;
  for (const x of samples()) {
    const y = expNonPositive(x);
    const ref = Math.exp(x);
    if (ref >= 2 ** -1022) worst = Math.max(worst, ulps(y, ref));
    // Subnormal results: within one unit of the smallest subnormal (they round once).
    else expect(Math.abs(y - ref)).toBeLessThanOrEqual(5e-324);
  }
  expect(worst).toBeLessThanOrEqual(1);
  expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
  expect(expNonPositive(0)).toBe(1);
});

test("the wasm leaves kernel's exp has the bits of expNonPositive", () => {
  const xs = samples();
  const n = xs.length + (xs.length % 2);
  const arena = makeArena(7 * n + 64);
  if (!arena.kernels) return;
  // One leaf of two entries per pair (0 and x): max 0, so ul = x and v = exp(x).
  const e = arena.f64(2 * n);
  const v = arena.f64(2 * n);
  const ul = arena.f64(2 * n);
  const mxs = arena.f64(n);
  const tab = arena.f64(32);
  tab.set(EXP_TABLE);
  for (let i = 0; i < xs.length; i++) e[2 * i + 1] = xs[i];
  arena.kernels.leaves(e.byteOffset, v.byteOffset, ul.byteOffset, mxs.byteOffset, n, 2, tab.byteOffset);
  const wrong = xs.filter(
    (x, i) => mxs[i] !== 0 || !Object.is(ul[2 * i + 1], x - 0) || v[2 * i + 1] !== expNonPositive(x),
  );
  expect(wrong).toEqual([]);
});

test("the leaves kernel: an all -Infinity leaf is zeros with logs -Infinity", () => {
  const arena = makeArena(128);
  if (!arena.kernels) return;
  const e = arena.f64(4).fill(Number.NEGATIVE_INFINITY);
  const v = arena.f64(4).fill(7);
  const ul = arena.f64(4);
  const mxs = arena.f64(2);
  const tab = arena.f64(32);
  tab.set(EXP_TABLE);
  arena.kernels.leaves(e.byteOffset, v.byteOffset, ul.byteOffset, mxs.byteOffset, 2, 2, tab.byteOffset);
  expect(Array.from(v)).toEqual([0, 0, 0, 0]);
  expect(Array.from(ul)).toEqual(Array(4).fill(Number.NEGATIVE_INFINITY));
  expect(Array.from(mxs)).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
});
