import { initBackend, tf } from "../backend";
import { expectSameOnCpu, runOn, seeded } from "../testing/compare";

function input(shape: number[], seed: number) {
  return { shape, data: seeded(shape, seed) };
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("Slice", () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]],
    [
      [64, 6, 8],
      [0, 0, 0],
      [64, 6, 4],
    ],
    [
      [5, 6, 8],
      [1, 2, 3],
      [3, -1, 2],
    ],
    [
      [4, 5, 6],
      [0, 1, 0],
      [4, 3, 6],
    ],
    [
      [2, 3, 4, 5, 6],
      [1, 0, 2, 1, 3],
      [1, 3, 2, 3, 3],
    ],
    [
      [3, 4],
      [0, 0],
      [3, 4],
    ],
  ];
  it.each(cases)("x %j begin %j size %j matches cpu", async (shape, begin, size) => {
    await expectSameOnCpu([input(shape, 1)], (x) => tf.slice(x, begin, size), 0);
  });

  it("slices int32 and bool tensors", () => {
    const x = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [2, 3],
      "int32",
    );
    expect(tf.slice(x, [0, 1], [2, 2]).arraySync()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    const b = tf.tensor2d(
      [
        [true, false, true],
        [false, true, false],
      ],
      [2, 3],
      "bool",
    );
    expect(tf.slice(b, [1, 0], [1, 2]).arraySync()).toEqual([[0, 1]]);
    tf.dispose([x, b]);
  });
});

describe("SplitV", () => {
  it.each([0, 1, 2])("uneven split along axis %i matches cpu", async (axis) => {
    const shape = [6, 7, 8];
    const sizes = axis === 0 ? [1, 5] : axis === 1 ? [2, 4, 1] : [3, 5];
    await expectSameOnCpu([input(shape, 2)], (x) => tf.split(x, sizes, axis), 0);
  });

  it("backs the gradient of concatenate", async () => {
    await expectSameOnCpu([input([3, 4, 5], 3), input([3, 4, 2], 4)], (a, b) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.concat([p, q], 2).square().sum())([a, b]),
    );
  });
});

describe("Concat", () => {
  const cases: [number[][], number][] = [
    [
      [
        [4, 3, 5],
        [4, 3, 2],
      ],
      2,
    ],
    [
      [
        [4, 3, 5],
        [4, 1, 5],
        [4, 2, 5],
      ],
      1,
    ],
    [
      [
        [2, 3],
        [5, 3],
      ],
      0,
    ],
    [[[7], [3]], 0],
    [
      [
        [2, 0, 3],
        [2, 4, 3],
      ],
      1,
    ],
  ];
  it.each(cases)("%j along axis %i matches cpu", async (shapes, axis) => {
    await expectSameOnCpu(
      shapes.map((s, i) => input(s, 40 + i)),
      (...xs) => tf.concat(xs, axis),
      0,
    );
  });

  it("joins int32 and bool tensors", () => {
    const a = tf.tensor2d([[1], [2]], [2, 1], "int32");
    const b = tf.tensor2d(
      [
        [3, 4],
        [5, 6],
      ],
      [2, 2],
      "int32",
    );
    expect(tf.concat([a, b], 1).arraySync()).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    const p = tf.tensor1d([true, false], "bool");
    const q = tf.tensor1d([false], "bool");
    expect(tf.concat([p, q]).arraySync()).toEqual([1, 0, 0]);
    tf.dispose([a, b, p, q]);
  });
});

describe("Sum", () => {
  const cases: [number[], number | number[], boolean][] = [
    [[9, 5], 0, false],
    [[6, 7, 5], [0, 1], false],
    [[6, 7, 5], [1, 0], true],
    [[7, 3, 2, 5], [0, 1, 2], false],
    [[6, 7, 5], 1, false],
    [[6, 7, 5], -1, true],
    [[6, 7, 5], [0, 1, 2], false],
  ];
  it.each(cases)("x %j over axes %j (keepDims %s) matches cpu", async (shape, axis, keepDims) => {
    await expectSameOnCpu([input(shape, 5)], (x) => tf.sum(x, axis, keepDims));
  });

  it("sums int32 over leading axes (stock path)", () => {
    const x = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [3, 2],
      "int32",
    );
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe("int32");
    expect(s.arraySync()).toEqual([9, 12]);
    tf.dispose([x, s]);
  });
});

describe("Identity", () => {
  it("shares data by reference count: a clone outlives its source, and both are freed", () => {
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const c = tf.clone(x);
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});

describe("Cast", () => {
  it("to the same dtype shares data by reference count; a real conversion still converts", () => {
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([1.5, -2, 0]);
    const same = tf.cast(x, "float32");
    const asInt = tf.cast(x, "int32");
    const b = tf.tensor1d([true, false, true], "bool");
    const mask = tf.cast(b, "float32");
    // x, asInt, b, mask: same has no data of its own.
    expect(tf.engine().backend.numDataIds()).toBe(before + 4);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 0]);
    expect(asInt.dtype).toBe("int32");
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 0]);
    expect(Array.from(mask.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([same, asInt, b, mask]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});

describe("Transpose", () => {
  const cases: [number[], number[]][] = [
    [
      [13, 21],
      [1, 0],
    ],
    [
      [3, 9, 17],
      [0, 2, 1],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 3, 1],
    ],
    [
      [2, 3, 4, 5],
      [2, 3, 0, 1],
    ],
    [
      [4, 5, 6],
      [1, 0, 2],
    ],
    [
      [4, 5, 6],
      [2, 0, 1],
    ],
    [
      [4, 0, 6],
      [0, 2, 1],
    ],
  ];
  it.each(cases)("x %j perm %j matches cpu", async (shape, perm) => {
    await expectSameOnCpu([input(shape, 6)], (x) => tf.transpose(x, perm), 0);
  });

  it("shares the data for the identity permutation (tfjs-layers' dot asks for it) and frees it once", () => {
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.transpose(x, [0, 1]);
    expect(y.shape).toEqual([2, 3]);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it("transposes int32 and bool tensors", () => {
    const x = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [2, 3],
      "int32",
    );
    expect(tf.transpose(x).arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const b = tf.tensor2d(
      [
        [true, false, true],
        [false, false, true],
      ],
      [2, 3],
      "bool",
    );
    expect(tf.transpose(b).arraySync()).toEqual([
      [1, 0],
      [0, 0],
      [1, 1],
    ]);
    tf.dispose([x, b]);
  });
});

describe("Equal (broadcasting)", () => {
  const cases: [number[], number[]][] = [
    [
      [64, 64, 8],
      [64, 64, 1],
    ],
    [
      [5, 1, 3],
      [4, 1],
    ],
    [[3], [2, 3]],
    [
      [2, 1],
      [1, 4],
    ],
    [
      [6, 4],
      [6, 4],
    ],
  ];
  it.each(cases)("a %j == b %j, as on cpu, bit for bit", async (sa, sb) => {
    // Half of b's entries copied from a, so both outcomes occur.
    const a = input(sa, 3);
    const b = input(sb, 4);
    for (let i = 0; i < b.data.length; i += 2) b.data[i] = a.data[i % a.data.length];
    const run = (x: tf.Tensor, y: tf.Tensor) => tf.cast(tf.equal(x, y), "float32");
    const wasm = await runOn("wasm", [a, b], run);
    const cpu = await runOn("cpu", [a, b], run);
    expect(wasm.shapes).toEqual(cpu.shapes);
    expect(Array.from(wasm.values[0])).toEqual(Array.from(cpu.values[0]));
    expect(wasm.values[0].some((v) => v === 1)).toBe(true);
  });

  it("compares int32 and bool operands, and treats NaN as unequal", () => {
    const out = tf.tidy(() => [
      tf.equal(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), tf.tensor1d([1, 4], "int32")).dataSync(),
      tf.equal(tf.tensor2d([true, false, true, true], [2, 2], "bool"), tf.tensor1d([true, false], "bool")).dataSync(),
      tf.equal(tf.tensor2d([Number.NaN, 1, 0, -0], [2, 2]), tf.tensor1d([Number.NaN, 0])).dataSync(),
    ]);
    expect(out.map((o) => Array.from(o))).toEqual([
      [1, 0, 0, 1],
      [1, 1, 1, 0],
      [0, 0, 0, 1],
    ]);
  });
});
