import { initBackend, tf } from "../backend";
import { matMulBothPaths, relError, seeded, sumInOrder } from "../testing/compare";
import { heapSimd } from "./heap_simd";
import { setGemmTN } from "./matmul_tn";
import { setGemmFma } from "../gemm_fma_node";

beforeAll(async () => {
  await initBackend("wasm");
  // These compare with XNNPACK's bits (each multiply-add rounded twice): the plain kernels.
  setGemmFma(false);
});

afterEach(() => {
  setGemmTN(true);
});

/** tf.matMul(a, b, true, false) with gemmTN on and with the old transpose + XNNPACK path. */
function both(sa: number[], sb: number[]): [Float32Array, Float32Array, number[]] {
  return matMulBothPaths(sa, sb, true, false, setGemmTN, [11, 12]);
}

test("gemmTN links here (so the cases below compare two different paths)", () => {
  expect(heapSimd(tf.backend() as never)?.gemmTN).toBeInstanceOf(Function);
});

describe("a^T b through gemmTN against the old transpose + XNNPACK path", () => {
  // The U-Net's weight-gradient shapes (positions x channels) and the edges of the slabs of 64
  // rows, a single row, batched operands and a rank-broadcast batch of 1.
  const cases: [number[], number[]][] = [
    [
      [2048, 16],
      [2048, 64],
    ],
    [
      [1024, 128],
      [1024, 64],
    ],
    [
      [4096, 64],
      [4096, 8],
    ],
    [
      [65, 4],
      [65, 8],
    ],
    [
      [1, 4],
      [1, 16],
    ],
    [
      [3, 130, 12],
      [3, 130, 24],
    ],
    [
      [1, 70, 8],
      [70, 8],
    ],
  ];
  it.each(cases)("a %j, b %j", (sa, sb) => {
    const [tn, old, shape] = both(sa, sb);
    const ra = sa.length;
    expect(shape.slice(-2)).toEqual([sa[ra - 1], sb[sb.length - 1]]);
    // float32 rounding of a sum of up to 4096 products, in another order
    // XNNPACK's wasm SIMD GEMM also sums over the shared axis in order, multiply then add,
    // each rounded to float32, so the two paths give the same bits.
    expect(relError(tn, old)).toBe(0);
    expect(Array.from(tn)).toEqual(Array.from(old));
  });

  it("leaves shapes it does not cover (M % 4, N % 8) to the old path, same bits", () => {
    const [tn, old] = both([50, 6], [50, 8]);
    expect(Array.from(tn)).toEqual(Array.from(old));
  });

  it("sums each element over rows in order, in float32 (the JS reference's bits)", () => {
    const [P, M, N] = [200, 4, 8];
    const a = seeded([P, M], 3);
    const b = seeded([P, N], 4);
    const out = tf.matMul(tf.tensor(a, [P, M]), tf.tensor(b, [P, N]), true, false);
    const got = out.dataSync();
    out.dispose();
    const want = sumInOrder(
      M,
      N,
      P,
      (i, p) => a[p * M + i],
      (p, j) => b[p * N + j],
    );
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it("frees what it allocates", () => {
    const before = tf.engine().backend.numDataIds();
    both([256, 64], [256, 64]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
