import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { sourceBootstrap } from "@ghmkit/bp";
import { InputError } from "@ghmkit/ghm";
import { initBackend, tf } from "./backend";
import { gemmFmaAvailable, setGemmFma } from "./gemm_fma_node";
import { kernelThreads, MIN_MACS_PER_BAND, setKernelThreads, kernelThreadStats } from "./gemm_threads";
import { seeded } from "./testing/compare";

beforeAll(async () => {
  await initBackend("wasm");
});

afterAll(() => {
  setKernelThreads(1);
});

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

describe("a product cut into bands of rows across kernel threads gives one thread's bits", () => {
  // The U-Net's big shapes, bands that do not divide evenly (rows in blocks of 4), more bands
  // than cores, and a product too small to share.
  const shapes: [number, number, number][] = [
    [4096, 72, 64],
    [2048, 128, 64],
    [1028, 64, 128],
    [4100, 88, 24],
  ];
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
    const N = Math.floor((2 * MIN_MACS_PER_BAND) / (M * K)) - 8;
    expect(run(2, "a b", M, K, N).shared).toBe(0);
  });
});

describe("setKernelThreads", () => {
  test("takes a count or auto and reports the previous count", () => {
    setKernelThreads(3);
    expect(setKernelThreads(1)).toBe(3);
    expect(kernelThreads()).toBe(1);
    setKernelThreads("auto");
    expect(kernelThreads()).toBeGreaterThanOrEqual(1);
    expect(kernelThreads()).toBeLessThanOrEqual(4);
  });

  test("refuses a count that is not a positive integer, naming the field", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 257]) {
      expect(() => setKernelThreads(bad)).toThrow(InputError);
      expect(() => setKernelThreads(bad)).toThrow(/kernel threads/);
    }
  });

  test("auto reads GHM_KERNEL_THREADS and refuses a bad value with the variable's name", () => {
    const was = process.env.GHM_KERNEL_THREADS;
    try {
      process.env.GHM_KERNEL_THREADS = "3";
      setKernelThreads("auto");
      expect(kernelThreads()).toBe(3);
      process.env.GHM_KERNEL_THREADS = "many";
      expect(() => setKernelThreads("auto")).toThrow(/GHM_KERNEL_THREADS/);
    } finally {
      if (was === undefined) delete process.env.GHM_KERNEL_THREADS;
      else process.env.GHM_KERNEL_THREADS = was;
      setKernelThreads(1);
    }
  });
});

test("kernel threads never keep the process alive", () => {
  // From the sources (a test run may have no dist): bp's bootstrap compiles them on the fly.
  const script = sourceBootstrap(
    path.join(__dirname, "gemm_threads.ts"),
    `const t = req("./index.ts");
    t.initBackend("wasm").then(() => {
      t.setKernelThreads(2);
      t.tf.matMul(t.tf.ones([2048, 128]), t.tf.ones([128, 64])).dataSync();
      console.log(JSON.stringify(t.kernelThreadStats()));
    });`,
  );
  const r = spawnSync(process.execPath, ["-e", script], { timeout: 90_000, encoding: "utf8" });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout.trim()).products).toBe(1);
});
