import { initBackend } from "@ghmkit/tensor";
import { openTrainingState } from "@ghmkit/train";
import { numpyUnavailable } from "./bp_numpy";
import { benchTrainConfig } from "./train";
import { gemmFloor, stepProducts } from "./train_gemm_floor";

beforeAll(async () => {
  await initBackend("wasm");
});

test("stepProducts lists x W and x^T dy for every dense layer, and dy W^T for all but the one reading the input", () => {
  const cfg = benchTrainConfig({ batch: 4, d: 8, S: 3, m: 2, filters: 4, seed: 0 });
  const st = openTrainingState({ ...cfg, prefetch: false });
  try {
    const dense = st.model.layers.filter((l) => l.getClassName() === "Dense");
    const products = stepProducts(st.model, 4);
    expect(products).toHaveLength(3 * dense.length - 1);
    // Forward multiply-adds counted independently: rows (batch x positions) x kernel size.
    const forward = dense.reduce((s, l) => {
      const positions = (l.input as unknown as { shape: number[] }).shape[1];
      const [K, N] = l.getWeights()[0].shape;
      return s + 4 * positions * K * N;
    }, 0);
    // The first encoder layer reads the grouped leaves [4, 4, 2 * 3] through a reshape of the input.
    const first = 4 * 4 * (2 * 3) * 4;
    expect(products.reduce((s, p) => s + p.M * p.K * p.N, 0)).toBe(3 * forward - first);
  } finally {
    st.dispose();
  }
});

test("gemmFloor times the products in numpy where it runs, and says why not elsewhere", () => {
  const f = gemmFloor([{ M: 64, K: 32, N: 16 }], 3, 1);
  if (numpyUnavailable() !== null) {
    expect(f.ok).toBe(false);
    return;
  }
  if (!f.ok) throw new Error(f.error);
  expect(f.macs).toBe(64 * 32 * 16);
  expect(f.msPerStep).toBeGreaterThan(0);
  expect(f.stepsPerSec).toBeCloseTo(1000 / f.msPerStep, 10);
});
