import { initBackend, tf } from "../backend";
import { matMulBothPaths, seeded, sumInOrder } from "../testing/compare";
import { heapSimd } from "./heap_simd";
import { setGemmNN } from "./matmul_nn_simd";
import { setGemmFma } from "../gemm_fma_node";

beforeAll(async () => {
  await initBackend("wasm");
  // These compare with XNNPACK's bits (each multiply-add rounded twice): the plain kernels.
  setGemmFma(false);
});

afterEach(() => {
  setGemmNN(true);
});

/** tf.matMul(a, b, false, tb) with gemmNN on and with XNNPACK. */
function both(sa: number[], sb: number[], tb = false): [Float32Array, Float32Array, number[]] {
  return matMulBothPaths(sa, sb, false, tb, setGemmNN, [21, 22]);
}

test("gemmNN links here (so the cases below compare two different paths)", () => {
  expect(heapSimd(tf.backend() as never)?.gemmNN).toBeInstanceOf(Function);
});

describe("a b through gemmNN against XNNPACK: the same bits", () => {
  // The U-Net's dense layers (positions x channels times channels x units), 1-row k, the
  // input-gradient form dy W^T, batched operands and a rank-broadcast batch of 1.
  const cases: [number[], number[], boolean][] = [
    [[2048, 16], [16, 64], false],
    [[1024, 128], [128, 64], false],
    [[4096, 64], [64, 8], false],
    [[4096, 8], [64, 8], true],
    [[8, 1], [1, 16], false],
    [[3, 12, 20], [3, 20, 24], false],
    [[1, 12, 20], [20, 8], false],
  ];
  it.each(cases)("a %j, b %j, transposeB=%s", (sa, sb, tb) => {
    const [simd, xnn, shape] = both(sa, sb, tb);
    expect(shape.slice(-2)).toEqual([sa[sa.length - 2], tb ? sb[sb.length - 2] : sb[sb.length - 1]]);
    expect(Array.from(simd)).toEqual(Array.from(xnn));
  });

  it("leaves shapes it does not cover (M % 4, N % 8) to XNNPACK", () => {
    const [simd, xnn] = both([6, 5], [5, 12]);
    expect(Array.from(simd)).toEqual(Array.from(xnn));
  });

  it("sums each element over k in order, in float32", () => {
    const [M, K, N] = [4, 50, 8];
    const a = seeded([M, K], 3);
    const b = seeded([K, N], 4);
    const out = tf.matMul(tf.tensor(a, [M, K]), tf.tensor(b, [K, N]));
    const got = out.dataSync();
    out.dispose();
    const want = sumInOrder(
      M,
      N,
      K,
      (i, k) => a[i * K + k],
      (k, j) => b[k * N + j],
    );
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it("frees what it allocates", () => {
    const before = tf.engine().backend.numDataIds();
    both([256, 64], [64, 64]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
