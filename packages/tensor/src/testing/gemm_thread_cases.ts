// The kernel threads' bit-identity cases, run by gemm_threads.test.ts on the shared heap (the
// helpers compute in place) and by gemm_threads_copies.test.ts on tfjs's own heap (they
// work on copies).
import { tf } from "../backend";
import { gemmFmaAvailable, setGemmFma } from "../gemm_fma_node";
import { MIN_MACS_PER_BAND, MIN_MACS_PER_COPIED_BAND, setKernelThreads, kernelThreadStats } from "../gemm_threads";
import { seeded } from "./compare";

type Product = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

// The dense layers' three products (x W with and without a fused bias, dy W^T, x^T dy).
const PRODUCTS: Record<string, { shapes: (M: number, K: number, N: number) => number[][]; f: Product }> = {
  "a b": { shapes: (M, K, N) => [[M, K], [K, N], [N]], f: (a, b) => tf.matMul(a, b) },
  "bias + a b": { shapes: (M, K, N) => [[M, K], [K, N], [N]], f: (a, b, bias) => tf.fused.matMul({ a, b, bias }) },
  "a b^T": { shapes: (M, K, N) => [[M, K], [N, K], [N]], f: (a, b) => tf.matMul(a, b, false, true) },
  "a^T b": { shapes: (M, K, N) => [[K, M], [K, N], [N]], f: (a, b) => tf.matMul(a, b, true, false) },
};

/** The product's bits on `threads` threads, and how many products were shared meanwhile. */
function run(threads: number, name: string, M: number, K: number, N: number): { bits: Float32Array; shared: number } {
  setKernelThreads(threads);
  const { shapes, f } = PRODUCTS[name];
  return tf.tidy(() => {
    const [a, b, bias] = shapes(M, K, N).map((s, i) => tf.tensor(seeded(s, 31 + i), s));
    const before = kernelThreadStats().products;
    const bits = f(a, b, bias).dataSync() as Float32Array;
    return { bits, shared: kernelThreadStats().products - before };
  });
}

// The U-Net's big shapes, bands that do not divide evenly (rows in blocks of 4), more bands
// than cores, and a product too small to share.
const SHAPES: [number, number, number][] = [
  [4096, 72, 64],
  [2048, 128, 64],
  [1028, 64, 128],
  [4100, 88, 24],
];

/**
 * The cases, under `title`; `inPlace`: on the shared heap, where a small product (two bands of
 * 66 rows) is cut too; otherwise (copies) only the first and last shapes.
 */
export function describeBandCases(title: string, inPlace: boolean): void {
  describe(title, () => {
    const shapes: [number, number, number][] = inPlace
      ? [...SHAPES, [132, 64, 64]]
      : [SHAPES[0], SHAPES[SHAPES.length - 1]];
    // Plain and, where this runtime has it, fused multiply-add (the helpers run the same module).
    const settings = gemmFmaAvailable() ? [false, true] : [false];
    for (const fma of settings) {
      for (const name of Object.keys(PRODUCTS)) {
        for (const [M, K, N] of shapes) {
          test(`${name}, M=${M} K=${K} N=${N}${fma ? ", fused multiply-add" : ""}: 2 and 3 threads`, () => {
            setGemmFma(fma);
            try {
              const one = run(1, name, M, K, N);
              expect(one.shared).toBe(0);
              for (const threads of [2, 3]) {
                const many = run(threads, name, M, K, N);
                expect(many.shared).toBe(1);
                expect(Buffer.from(many.bits.buffer).equals(Buffer.from(one.bits.buffer))).toBe(true);
              }
            } finally {
              setGemmFma("auto");
            }
          });
        }
      }
    }

    test("a product below two bands' worth of multiply-adds stays on this thread", () => {
      const M = 64;
      const K = 64;
      const N = Math.floor((2 * (inPlace ? MIN_MACS_PER_BAND : MIN_MACS_PER_COPIED_BAND)) / (M * K)) - 8;
      expect(run(2, "a b", M, K, N).shared).toBe(0);
    });
  });
}
