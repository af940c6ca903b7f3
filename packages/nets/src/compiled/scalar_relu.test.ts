import { tf, initBackend } from "@ghmkit/tensor";
import { ScalarReLULayer, evalScalarReLU, fitScalarReLU } from "./scalar_relu";

beforeAll(async () => {
  await initBackend("cpu");
});

function maxError(
  f: (x: number) => number,
  net: ReturnType<typeof fitScalarReLU>,
  lo: number,
  hi: number,
  log: boolean,
): number {
  let err = 0;
  for (let i = 0; i <= 2000; i++) {
    const x = log ? lo * (hi / lo) ** (i / 2000) : lo + ((hi - lo) * i) / 2000;
    err = Math.max(err, Math.abs(evalScalarReLU(net, x) - f(x)));
  }
  return err;
}

test("interpolates at the knots and the error shrinks like 1/W^2", () => {
  const errs = [8, 32, 128].map((W) => {
    const net = fitScalarReLU(Math.exp, W, -16, 0, { spacing: "linear" });
    for (let k = 0; k <= W; k++) expect(evalScalarReLU(net, net.knots[k])).toBeCloseTo(Math.exp(net.knots[k]), 12);
    return maxError(Math.exp, net, -16, 0, false);
  });
  expect(errs[1]).toBeLessThan(errs[0] / 8);
  expect(errs[2]).toBeLessThan(errs[1] / 8);
  const logErrs = [8, 64].map((W) =>
    maxError(Math.log, fitScalarReLU(Math.log, W, Math.exp(-16), 2, { spacing: "log" }), Math.exp(-16), 2, true),
  );
  expect(logErrs[1]).toBeLessThan(logErrs[0] / 30);
});

test("seeded knots are reproducible, ordered and inside the range", () => {
  const a = fitScalarReLU(Math.log, 16, 1e-3, 1, { spacing: "log", seed: 5 });
  const b = fitScalarReLU(Math.log, 16, 1e-3, 1, { spacing: "log", seed: 5 });
  const c = fitScalarReLU(Math.log, 16, 1e-3, 1, { spacing: "log", seed: 6 });
  expect(Array.from(a.knots)).toEqual(Array.from(b.knots));
  expect(Array.from(a.knots)).not.toEqual(Array.from(c.knots));
  for (let k = 1; k < a.knots.length; k++) expect(a.knots[k]).toBeGreaterThan(a.knots[k - 1]);
  expect(a.knots[0]).toBe(1e-3);
  expect(a.knots[16]).toBe(1);
});

test("the float32 layer equals the float64 net, also near the steep end of log", () => {
  const net = fitScalarReLU(Math.log, 64, Math.exp(-16), 2, { spacing: "log" });
  const layer = new ScalarReLULayer(net);
  const xs = [0, 1e-9, 1e-6, 1e-3, 0.1, 0.5, 1, 1.9, 3];
  const y = layer.apply(tf.tensor1d(xs)).dataSync();
  xs.forEach((x, i) =>
    expect(Math.abs(y[i] - evalScalarReLU(net, x))).toBeLessThan(2e-5 * Math.max(1, Math.abs(y[i]))),
  );
  layer.dispose();
});

test("bad widths and ranges throw", () => {
  expect(() => fitScalarReLU(Math.exp, 0, -1, 0, { spacing: "linear" })).toThrow(/width/);
  expect(() => fitScalarReLU(Math.log, 4, 0, 1, { spacing: "log" })).toThrow(/lo > 0/);
  expect(() => fitScalarReLU(Math.exp, 4, 1, 0, { spacing: "linear" })).toThrow(/lo < hi/);
});
