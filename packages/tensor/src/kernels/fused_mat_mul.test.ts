import { initBackend, tf } from "../backend";
import { seeded } from "../testing/compare";
import { setGemmNN } from "./matmul_nn_simd";
import { CUSTOM_WASM_KERNELS } from "./register";
import { setGemmFma } from "../gemm_fma_node";

beforeAll(async () => {
  await initBackend("wasm");
  // These compare with XNNPACK's bits (each multiply-add rounded twice): the plain kernels.
  setGemmFma(false);
});

afterEach(() => {
  setGemmNN(true);
});

/** tf.fused.matMul with gemmNN on and with stock XNNPACK (gemmNN off sends every case there). */
function both(sa: number[], sb: number[], opts: { bias?: boolean; transposeB?: boolean; relu?: boolean }) {
  const n = opts.transposeB ? sb[sb.length - 2] : sb[sb.length - 1];
  const a = tf.tensor(seeded(sa, 31), sa);
  const b = tf.tensor(seeded(sb, 32), sb);
  const bias = opts.bias ? tf.tensor(seeded([n], 33), [n]) : undefined;
  const run = (on: boolean) => {
    setGemmNN(on);
    const y = tf.fused.matMul({ a, b, bias, transposeB: opts.transposeB, activation: opts.relu ? "relu" : "linear" });
    const v = Array.from(y.dataSync());
    y.dispose();
    return v;
  };
  const out = [run(true), run(false)];
  tf.dispose([a, b, ...(bias ? [bias] : [])]);
  return out;
}

test("_FusedMatMul is one of the custom kernels", () => {
  expect(CUSTOM_WASM_KERNELS).toContain(tf._FusedMatMul);
});

describe("_FusedMatMul: bias + a b through gemmNN, the bits of stock XNNPACK", () => {
  it.each([
    [[1, 2048, 64], [1, 64, 128], { bias: true }],
    [[4096, 64], [64, 8], { bias: true }],
    [[256, 64], [64, 128], {}],
    // left to the stock kernel: a fused activation, a transposed operand, an uncovered shape
    [[64, 32], [32, 16], { bias: true, relu: true }],
    [[64, 32], [16, 32], { bias: true, transposeB: true }],
    [[6, 5], [5, 12], { bias: true }],
  ] as [number[], number[], { bias?: boolean; transposeB?: boolean; relu?: boolean }][])(
    "a %j, b %j, %j",
    (sa, sb, opts) => {
      const [simd, stock] = both(sa, sb, opts);
      expect(simd).toEqual(stock);
    },
  );

  it("frees what it allocates", () => {
    const before = tf.engine().backend.numDataIds();
    both([256, 64], [64, 64], { bias: true });
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
