import { exactEvidence } from "@ghmkit/ghm";
import { tf, initBackend } from "@ghmkit/tensor";
import { clippedEvidence, evidenceToNetInput, netInputArray } from "./evidence_input";

beforeAll(async () => {
  await initBackend("cpu");
});

test("exact evidence becomes onehot - 1; leaves are shifted to max 0 and clipped", () => {
  const ev = exactEvidence(Int32Array.from([2, 0]), 1, 2, 3);
  expect(Array.from(evidenceToNetInput(ev).dataSync())).toEqual([-1, -1, 0, 0, -1, -1]);
  const g = { batch: 1, d: 2, S: 3, e: Float64Array.from([5, 4, -100, -Infinity, -Infinity, -Infinity]) };
  expect(Array.from(evidenceToNetInput(g, { clip: 10, rescale: false }).dataSync())).toEqual([0, -1, -10, 0, 0, 0]);
});

test("tensor input gives the same result as array input", () => {
  const e = Float64Array.from([3, -Infinity, 1, -2, 7, 0.5, -Infinity, -Infinity]);
  const ev = { batch: 2, d: 2, S: 2, e };
  const a = evidenceToNetInput(ev, { clip: 4 }).dataSync();
  const b = evidenceToNetInput(tf.tensor3d(Float32Array.from(e), [2, 2, 2]), { clip: 4 }).dataSync();
  expect(Array.from(b)).toEqual(Array.from(a));
  expect(Array.from(a).every(Number.isFinite)).toBe(true);
});

test("netInputArray is evidenceToNetInput's values as a host Float32Array", () => {
  const ev = { batch: 2, d: 2, S: 2, e: Float64Array.from([3, -Infinity, 1, -2, 7, 0.5, -Infinity, -Infinity]) };
  const a = netInputArray(ev, { clip: 4 });
  expect(a).toBeInstanceOf(Float32Array);
  expect(Array.from(a)).toEqual(Array.from(evidenceToNetInput(ev, { clip: 4 }).dataSync()));
  expect(() => netInputArray({ batch: 1, d: 1, S: 2, e: Float64Array.from([0, NaN]) })).toThrow(/NaN/);
});

test("NaN evidence and bad clips throw", () => {
  expect(() => evidenceToNetInput({ batch: 1, d: 1, S: 2, e: Float64Array.from([0, NaN]) })).toThrow(/NaN/);
  expect(() => evidenceToNetInput({ batch: 1, d: 1, S: 2, e: Float64Array.from([0, 0]) }, { clip: 0 })).toThrow(/clip/);
});

test("clippedEvidence is the network input before its rescaling, in float64", () => {
  const ev = { batch: 1, d: 2, S: 3, e: new Float64Array([0, -5, -Infinity, -Infinity, -Infinity, -Infinity]) };
  const c = clippedEvidence(ev);
  expect(Array.from(c.e)).toEqual([0, -5, -20, 0, 0, 0]);
  const net = evidenceToNetInput(ev);
  expect(Array.from(net.dataSync())).toEqual(Array.from(c.e).map((v) => Math.fround(v / 20)));
  net.dispose();
  expect(Array.from(clippedEvidence(ev, { clip: 3 }).e)).toEqual([0, -3, -3, 0, 0, 0]);
});
