import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend, tf } from "../backend";
import { seeded } from "../testing/compare";
import { ADAM_UPDATE, type AdamUpdateAttrs } from "./adam_update";
import { heapSimd, setHeapSimd } from "./heap_simd";
import {
  HEAP_FMA_WASM_BASE64,
  HEAP_SHARED_FMA_WASM_BASE64,
  HEAP_SHARED_WASM_BASE64,
  HEAP_WASM_BASE64,
} from "./heap_wasm";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  setHeapSimd(true);
});

/** The same computation with the SIMD loops and with the JS loops. */
function both<T>(f: () => T): [T, T] {
  setHeapSimd(true);
  const simd = f();
  setHeapSimd(false);
  const js = f();
  setHeapSimd(true);
  return [simd, js];
}

test("the committed wasm bytes are what wasm/heap.wat compiles to (as written, importing a shared memory, and both with the GEMMs' multiply-adds fused)", async () => {
  const wabt = await (await import("wabt")).default();
  const wat = fs.readFileSync(path.join(__dirname, "../../wasm/heap.wat"), "utf8");
  const bytes = (text: string, threads: boolean, relaxed_simd = false): string =>
    Buffer.from(wabt.parseWat("heap.wat", text, { simd: true, threads, relaxed_simd }).toBinary({}).buffer).toString(
      "base64",
    );
  const share = (text: string): string =>
    text.replace('(import "env" "memory" (memory 1))', '(import "env" "memory" (memory 1 65536 shared))');
  expect(bytes(wat, false)).toBe(HEAP_WASM_BASE64);
  expect(share(wat)).not.toBe(wat);
  expect(bytes(share(wat), true)).toBe(HEAP_SHARED_WASM_BASE64);
  // c + s b, rounded twice, as one relaxed_madd: the 8 multiply-adds of each GEMM kernel's inner loop.
  let n = 0;
  const fused = wat.replace(
    /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get \$s\) \(local\.get (\$b\d)\)\)\)/g,
    (_, c: string, b: string) => {
      n++;
      return `(f32x4.relaxed_madd (local.get $s) (local.get ${b}) (local.get ${c}))`;
    },
  );
  expect(n).toBe(32);
  expect(bytes(fused, false, true)).toBe(HEAP_FMA_WASM_BASE64);
  expect(bytes(share(fused), true, true)).toBe(HEAP_SHARED_FMA_WASM_BASE64);
});

test("the SIMD loops link to the wasm backend's heap here (so the tests below compare two paths)", () => {
  expect(heapSimd(tf.backend() as never)).not.toBeNull();
});

describe("Transpose through heap.wat's 4x4 tiles", () => {
  const cases: [number[], number[]][] = [
    [
      [4, 4],
      [1, 0],
    ],
    [
      [5, 7],
      [1, 0],
    ],
    [
      [3, 9, 6],
      [0, 2, 1],
    ],
    [
      [2, 3, 4, 5],
      [0, 1, 3, 2],
    ],
    [
      [2, 8, 3, 5],
      [0, 2, 3, 1],
    ],
    [
      [1, 1],
      [1, 0],
    ],
    [
      [33, 129],
      [1, 0],
    ],
  ];
  test.each(cases)("%j perm %j: the JS loop's bits, and tf's transpose", (shape, perm) => {
    for (const dtype of ["float32", "int32"] as const) {
      const x = tf.tensor(
        seeded(shape, shape.length * 7 + perm[0]).map((v) => (dtype === "int32" ? Math.round(v * 100) : v)),
        shape,
        dtype,
      );
      const [a, b] = both(() => tf.transpose(x, perm).dataSync());
      expect(Array.from(a)).toEqual(Array.from(b));
      // against a plain index computation
      const want = new Array<number>(a.length);
      const xs = x.dataSync();
      const outShape = perm.map((p) => shape[p]);
      const inStrides = tf.util.computeStrides(shape);
      for (let i = 0; i < a.length; i++) {
        const coord = tf.util.indexToLoc(i, outShape.length, tf.util.computeStrides(outShape));
        let src = 0;
        coord.forEach((c, d) => (src += c * (perm[d] === shape.length - 1 ? 1 : inStrides[perm[d]])));
        want[i] = xs[src];
      }
      expect(Array.from(a)).toEqual(want);
      x.dispose();
    }
  });
});

test("GhmAdamUpdate through heap.wat: the JS loop's bits for every length remainder", () => {
  const attrs: AdamUpdateAttrs = {
    learningRate: 3e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    oneMinusAccBeta1: Math.fround(1 - 0.9 ** 3),
    oneMinusAccBeta2: Math.fround(1 - 0.999 ** 3),
  };
  for (const n of [1, 3, 4, 7, 1001]) {
    const t = (seed: number, scale = 1) => tf.tensor1d(seeded([n], seed).map((v) => v * scale));
    const value = t(1);
    const m = t(2, 0.1);
    const v = tf.abs(t(3, 0.01));
    const grad = t(4);
    const [a, b] = both(() => {
      const outs = tf
        .engine()
        .runKernel(ADAM_UPDATE, { value, m, v, grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const data = outs.map((o) => Array.from(o.dataSync()));
      tf.dispose(outs);
      return data;
    });
    expect(a).toEqual(b);
    tf.dispose([value, m, v, grad]);
  }
});

describe("Sum over leading axes through heap.wat's f64x2 loop", () => {
  const cases: [number[], number[]][] = [
    [[9, 5], [0]],
    [[8, 6], [0]],
    [
      [3, 4, 7],
      [0, 1],
    ],
    [[1, 3], [0]],
    [[130, 129], [0]],
  ];
  test.each(cases)("%j over %j: the JS loop's bits", (shape, axes) => {
    const x = tf.tensor(seeded(shape, shape[0] * 13 + shape.length), shape);
    const [a, b] = both(() => tf.sum(x, axes).dataSync());
    expect(Array.from(a)).toEqual(Array.from(b));
    const [k1, k2] = both(() => tf.sum(x, axes, true).shape);
    expect(k1).toEqual(k2);
    x.dispose();
  });
});

describe("Concat and Slice rows through heap.wat's copyRows", () => {
  test.each([
    [[64, 64, 64], [64, 64, 8], 2],
    [[3, 5, 3], [3, 5, 1], 2],
    [[4, 7], [4, 9], 1],
    [[2, 3], [5, 3], 0],
  ])("concat %j and %j on axis %d: the JS loop's result", (sa, sb, axis) => {
    const a = tf.tensor(seeded(sa, 41), sa);
    const b = tf.tensor(seeded(sb, 42), sb);
    const [x, y] = both(() => tf.concat([a, b], axis).dataSync());
    expect(Array.from(x)).toEqual(Array.from(y));
    tf.dispose([a, b]);
  });

  test("int32 and bool tensors join too (4- and 1-byte elements)", () => {
    const i = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    const j = tf.tensor([7, 8], [2, 1], "int32");
    expect(both(() => Array.from(tf.concat([i, j], 1).dataSync()))).toEqual([
      [1, 2, 3, 7, 4, 5, 6, 8],
      [1, 2, 3, 7, 4, 5, 6, 8],
    ]);
    const p = tf.tensor([1, 0, 1, 1, 0, 0], [3, 2], "bool");
    const q = tf.tensor([0, 1, 1], [3, 1], "bool");
    expect(both(() => Array.from(tf.concat([p, q], 1).dataSync()))).toEqual([
      [1, 0, 0, 1, 1, 1, 0, 0, 1],
      [1, 0, 0, 1, 1, 1, 0, 0, 1],
    ]);
    tf.dispose([i, j, p, q]);
  });

  test.each([
    [
      [64, 64, 72],
      [0, 0, 64],
      [64, 64, 8],
    ],
    [
      [64, 64, 72],
      [0, 0, 0],
      [64, 64, 64],
    ],
    [
      [5, 9],
      [1, 2],
      [3, 5],
    ],
    [
      [6, 3, 5],
      [1, 0, 1],
      [2, 3, 3],
    ],
    [
      [4, 3, 5, 6],
      [1, 0, 0, 2],
      [2, 3, 5, 3],
    ],
    [
      [4, 3, 5, 6],
      [1, 1, 0, 2],
      [2, 2, 5, 3],
    ],
  ])("slice of %j at %j size %j: the JS loop's result", (shape, begin, size) => {
    const x = tf.tensor(seeded(shape, 43), shape);
    const [a, b] = both(() => tf.slice(x, begin, size).dataSync());
    expect(Array.from(a)).toEqual(Array.from(b));
    x.dispose();
  });
});

describe("Equal of x [.., C] against [.., 1] through heap.wat's equalRows", () => {
  test("the JS loop's result, ties, -0 and NaN included", () => {
    const x = tf.tensor([1, 3, 3, 0, -0, Number.NaN, 2, 5, 1], [3, 3]);
    const m = tf.tensor([3, 0, Number.NaN], [3, 1]);
    const [a, b] = both(() => Array.from(tf.equal(x, m).dataSync()));
    expect(a).toEqual([0, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(a).toEqual(b);
    tf.dispose([x, m]);
  });

  test("the loss's shape [64,64,8] against its max", () => {
    const x = tf.tensor(seeded([64, 64, 8], 51), [64, 64, 8]);
    const m = tf.max(x, -1, true);
    const [a, b] = both(() => Array.from(tf.equal(x, m).dataSync()));
    expect(a).toEqual(b);
    expect(a.reduce((s, v) => s + v, 0)).toBe(64 * 64);
    tf.dispose([x, m]);
  });
});
