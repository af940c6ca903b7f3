import { initBackend, tf } from "../backend";
import { expectSameOnCpu, seeded } from "../testing/compare";
import { batchMatMulConfig } from "./batch_mat_mul";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input";
import { CUSTOM_WASM_KERNELS } from "./register";
import { setGemmFma } from "../gemm_fma_node";

type Pad = "valid" | "same";
type Shape4 = [number, number, number, number];

function input(shape: number[], seed: number) {
  return { shape, data: seeded(shape, seed) };
}

function wasmDataIds(): number {
  return tf.engine().backend.numDataIds();
}

beforeAll(async () => {
  const info = await initBackend("wasm");
  // These compare with XNNPACK's bits (each multiply-add rounded twice): the plain kernels.
  setGemmFma(false);
  expect(info.customKernels).toEqual([...CUSTOM_WASM_KERNELS]);
  expect(tf.getKernel(tf.BatchMatMul, "wasm")?.kernelFunc).toBe(batchMatMulConfig.kernelFunc);
  expect(tf.getKernel(tf.Conv2DBackpropFilter, "wasm")?.kernelFunc).toBe(conv2DBackpropFilterConfig.kernelFunc);
  expect(tf.getKernel(tf.Conv2DBackpropInput, "wasm")?.kernelFunc).toBe(conv2DBackpropInputConfig.kernelFunc);
});

describe("BatchMatMul (transposes routed through the plain GEMM)", () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 4], false, false],
    [[7, 5], [7, 4], true, false],
    [[5, 7], [4, 7], false, true],
    [[7, 5], [4, 7], true, true],
    [[3, 7, 5], [3, 4, 7], true, true],
    [[3, 5, 7], [3, 7, 4], false, false],
    [[1, 7, 5], [3, 7, 4], true, false],
    [[2, 3, 5, 7], [2, 3, 4, 7], false, true],
    // big enough per batch entry for the per-batch XNNPACK split, with broadcasting
    [[3, 40, 30], [3, 30, 20], false, false],
    [[4, 30, 40], [20, 30], true, true],
    [[1, 40, 30], [5, 20, 30], false, true],
  ];
  it.each(cases)("a %j x b %j, transposeA=%s transposeB=%s", async (sa, sb, ta, tb) => {
    await expectSameOnCpu([input(sa, 1), input(sb, 2)], (a, b) => tf.matMul(a, b, ta, tb));
  });

  it("broadcasts 4D batch dims [2,1] x [1,3] like per-block 2D products", () => {
    // (tfjs's cpu BatchMatMul mis-indexes this broadcast, so it cannot be the reference.)
    const a = tf.randomNormal([2, 1, 40, 30], 0, 1, "float32", 5);
    const b = tf.randomNormal([1, 3, 30, 20], 0, 1, "float32", 6);
    const out = tf.matMul(a, b);
    expect(out.shape).toEqual([2, 3, 40, 20]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const err = tf.tidy(() => {
          const ref = tf.matMul(a.slice([i, 0], [1, 1]).reshape([40, 30]), b.slice([0, j], [1, 1]).reshape([30, 20]));
          return tf.max(tf.abs(ref.sub(out.slice([i, j], [1, 1]).reshape([40, 20])))).dataSync()[0];
        });
        expect(err).toBeLessThan(1e-4);
      }
    }
    tf.dispose([a, b, out]);
  });

  it("gradients match cpu (they use the transposed variants)", async () => {
    await expectSameOnCpu([input([2, 6, 9], 3), input([2, 9, 4], 4)], (a, b) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).square().sum())([a, b]),
    );
  });
});

describe("Conv2DBackpropFilter / Conv2DBackpropInput", () => {
  // [x shape NHWC, filter shape, strides, pad]: the non-overlapping 1D convs of the nets
  // (kernel = stride, incl. 1x1) take the reshape path; the rest take im2col/col2im.
  const cases: [string, Shape4, Shape4, [number, number], Pad][] = [
    ["1D k2 s2", [3, 1, 12, 4], [1, 2, 4, 5], [1, 2], "valid"],
    ["1D k3 s3", [2, 1, 9, 3], [1, 3, 3, 6], [1, 3], "valid"],
    ["1x1", [4, 1, 8, 5], [1, 1, 5, 7], [1, 1], "valid"],
    ["1D k2 s2, width not divisible", [2, 1, 13, 3], [1, 2, 3, 4], [1, 2], "valid"],
    ["1D k2 s2 same, width not divisible", [2, 1, 13, 3], [1, 2, 3, 4], [1, 2], "same"],
    ["2D k2 s2", [2, 6, 8, 3], [2, 2, 3, 4], [2, 2], "valid"],
    ["2D k3 s1 same (overlapping)", [2, 5, 6, 3], [3, 3, 3, 4], [1, 1], "same"],
    ["2D k3 s2 valid (overlapping)", [3, 7, 9, 2], [3, 3, 2, 5], [2, 2], "valid"],
  ];

  it.each(cases)("%s: gradients of conv2d match cpu", async (_name, xs, fs, strides, pad) => {
    await expectSameOnCpu([input(xs, 10), input(fs, 11)], (x, f) => {
      const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, strides, pad);
      const probe = tf.randomNormal(y.shape, 0, 1, "float32", 12);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad)
          .mul(probe)
          .sum(),
      )([x, f]);
    });
  });

  it.each(cases)("%s: conv2dTranspose (Conv2DBackpropInput forward) matches cpu", async (_n, xs, fs, strides, pad) => {
    const ys = tf.tidy(() => tf.conv2d(tf.zeros(xs) as tf.Tensor4D, tf.zeros(fs) as tf.Tensor4D, strides, pad).shape);
    await expectSameOnCpu([input(ys, 13), input(fs, 14)], (dy, f) =>
      tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, xs, strides, pad),
    );
  });

  it("conv1d gradients (kernel 2, stride 2) match cpu", async () => {
    await expectSameOnCpu([input([4, 16, 3], 20), input([2, 3, 6], 21)], (x, f) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 2, "valid")
          .relu()
          .sum(),
      )([x, f]),
    );
  });

  it("refuses NCHW with a message naming the fix", () => {
    const dy = tf.zeros([1, 2, 1, 4]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.zeros([1, 2, 1, 4]), dy }, {
        strides: 1,
        pad: "valid",
        dataFormat: "NCHW",
        filterShape: [1, 1, 2, 2],
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/NHWC/);
    tf.dispose(dy);
  });

  it("releases every intermediate (wasm data ids flat)", () => {
    const x = tf.randomNormal([2, 5, 6, 3], 0, 1, "float32", 30) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 31) as tf.Tensor4D;
    const x1 = tf.randomNormal([2, 1, 8, 3], 0, 1, "float32", 32) as tf.Tensor4D;
    const f1 = tf.randomNormal([1, 2, 3, 4], 0, 1, "float32", 33) as tf.Tensor4D;
    const before = wasmDataIds();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").sum())([
          x,
          f,
        ]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [1, 2], "valid").sum())([
          x1,
          f1,
        ]);
        tf.matMul(x1.reshape([8, 6]), f1.reshape([4, 6]), false, true);
        tf.matMul(x1.reshape([6, 8]), f1.reshape([4, 6]), true, true);
        tf.matMul(tf.ones([3, 40, 30]), tf.ones([30, 20]));
        tf.matMul(tf.ones([3, 30, 40]), tf.ones([3, 20, 30]), true, true);
      });
    }
    expect(wasmDataIds()).toBe(before);
    tf.dispose([x, f, x1, f1]);
  });
});
