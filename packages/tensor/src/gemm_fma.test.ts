import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { sourceBootstrap } from "@ghmkit/bp";
import { InputError } from "@ghmkit/ghm";
import { initBackend, tf } from "./backend";
import { gemmFmaAvailable, setGemmFma } from "./gemm_fma_node";
import { gemmFma } from "./kernels/gemm_fma";
import { seeded, sumInOrder } from "./testing/compare";

beforeAll(async () => {
  await initBackend("wasm");
});

afterAll(() => {
  setGemmFma("auto");
});

const available = gemmFmaAvailable();

test("setGemmFma(true) works exactly where gemmFmaAvailable() says so; auto follows it; false is always allowed", () => {
  if (available) {
    setGemmFma(true);
    expect(gemmFma()).toBe(true);
  } else {
    expect(() => setGemmFma(true)).toThrow(InputError);
  }
  expect(setGemmFma(false)).toBe(available);
  expect(gemmFma()).toBe(false);
  setGemmFma("auto");
  expect(gemmFma()).toBe(available);
});

test("a bad setting is an InputError naming the field", () => {
  expect(() => setGemmFma("yes" as never)).toThrow(InputError);
  expect(() => setGemmFma("yes" as never)).toThrow(/fma/);
});

// The fused kernels exist where relaxed SIMD fuses (the CI machines: x86-64 with FMA, Node 20
// with the flag set at run time); elsewhere the test above checks that they are refused.
const whereFused = available ? describe : describe.skip;

whereFused("fused multiply-add in the heap GEMMs", () => {
  afterEach(() => {
    setGemmFma("auto");
  });

  test("rounds each multiply-add once: bias - 1 + (1 + 2^-23)(1 - 2^-23) is -2^-46 fused, 0 plain", () => {
    const run = (): number =>
      tf.tidy(() => {
        const a = tf.fill([4, 1], 1 + 2 ** -23);
        const b = tf.fill([1, 16], 1 - 2 ** -23);
        const bias = tf.fill([16], -1);
        return (tf.fused.matMul({ a, b, bias }).dataSync() as Float32Array)[0];
      });
    setGemmFma(true);
    expect(run()).toBe(-(2 ** -46));
    setGemmFma(false);
    expect(run()).toBe(0);
  });

  // The dense layers' four products, on both kernel shapes (2x16 blocks where N % 16 = 0, 4x8
  // blocks otherwise): each output one float32 sum in k order, each multiply-add rounded once.
  const M = 64;
  const K = 37;
  for (const N of [32, 24]) {
    const a = seeded([M, K], 11);
    const b = seeded([K, N], 12);
    const bT = seeded([N, K], 13);
    const aT = seeded([K, M], 14);
    const bias = seeded([N], 15);
    const cases: [string, () => tf.Tensor, Float32Array][] = [
      [
        "a b",
        () => tf.matMul(tf.tensor(a, [M, K]), tf.tensor(b, [K, N])),
        sumInOrder(
          M,
          N,
          K,
          (i, k) => a[i * K + k],
          (k, j) => b[k * N + j],
          { fused: true },
        ),
      ],
      [
        "bias + a b",
        () => tf.fused.matMul({ a: tf.tensor(a, [M, K]), b: tf.tensor(b, [K, N]), bias: tf.tensor(bias, [N]) }),
        sumInOrder(
          M,
          N,
          K,
          (i, k) => a[i * K + k],
          (k, j) => b[k * N + j],
          { fused: true, bias: (j) => bias[j] },
        ),
      ],
      [
        "a b^T",
        () => tf.matMul(tf.tensor(a, [M, K]), tf.tensor(bT, [N, K]), false, true),
        sumInOrder(
          M,
          N,
          K,
          (i, k) => a[i * K + k],
          (k, j) => bT[j * K + k],
          { fused: true },
        ),
      ],
      [
        "a^T b",
        () => tf.matMul(tf.tensor(aT, [K, M]), tf.tensor(b, [K, N]), true, false),
        sumInOrder(
          M,
          N,
          K,
          (i, k) => aT[k * M + i],
          (k, j) => b[k * N + j],
          { fused: true },
        ),
      ],
    ];
    for (const [name, f, want] of cases) {
      test(`${name}, N=${N}: the fused in-order sums, bit for bit, and other bits than the plain kernels'`, () => {
        setGemmFma(true);
        const fused = tf.tidy(() => f().dataSync() as Float32Array);
        expect(Array.from(fused)).toEqual(Array.from(want));
        setGemmFma(false);
        const plain = tf.tidy(() => f().dataSync() as Float32Array);
        expect(plain.some((v, i) => v !== fused[i])).toBe(true);
      });
    }
  }
});

test("GHM_GEMM_FMA: 0 turns fused multiply-add off at initBackend, a bad value is an InputError naming it", () => {
  const run = (value: string): { status: number | null; stdout: string; stderr: string } => {
    // From the sources (a test run may have no dist): bp's bootstrap compiles them on the fly.
    const script = sourceBootstrap(
      path.join(__dirname, "gemm_fma_node.ts"),
      `const t = req("./index.ts");
      Promise.resolve().then(() => t.initBackend("wasm")).then(() => console.log(JSON.stringify(t.gemmFma())), (e) => {
        console.log(e.name + ": " + e.message);
      });`,
    );
    return spawnSync(process.execPath, ["-e", script], {
      timeout: 90_000,
      encoding: "utf8",
      env: { ...process.env, GHM_GEMM_FMA: value },
    });
  };
  expect(run("0").stdout.trim()).toBe("false");
  expect(run("auto").stdout.trim()).toBe(String(available));
  const bad = run("sometimes");
  expect(bad.stdout).toMatch(/InputError: .*GHM_GEMM_FMA/);
});
