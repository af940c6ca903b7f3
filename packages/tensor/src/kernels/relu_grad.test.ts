import { initBackend, tf } from "../backend";
import { seeded } from "../testing/compare";
import { setHeapSimd } from "./heap_simd";
import { CUSTOM_WASM_KERNELS, setCustomWasmKernels } from "./register";
import { RELU_GRAD } from "./relu_grad";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  setCustomWasmKernels(CUSTOM_WASM_KERNELS);
  setHeapSimd(true);
});

/** Bits of d/dx sum(relu(x) * w) on wasm. */
function gradBits(x: Float32Array, w: Float32Array): Uint32Array {
  const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor1d(w))))(tf.tensor1d(x)));
  const bits = new Uint32Array(new Float32Array(g.dataSync()).buffer);
  g.dispose();
  return bits;
}

describe("Relu's gradient through GhmReluGrad", () => {
  // 4k+3 elements: the SIMD loop and its scalar tail; zeros of both signs, NaN and infinities.
  let x: Float32Array;
  let w: Float32Array;
  beforeAll(() => {
    x = Float32Array.from(seeded([1027], 5));
    x.set([0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40], 0);
    x[1026] = Number.NaN;
    w = Float32Array.from(seeded([1027], 6));
    w[9] = Number.POSITIVE_INFINITY;
    w[10] = -0;
  });

  it("is wasm's stock gradient bit for bit, with the SIMD loop and with the JS loop", () => {
    setCustomWasmKernels(CUSTOM_WASM_KERNELS.filter((k) => k !== RELU_GRAD));
    const before = tf.engine().backend.numDataIds();
    const stock = gradBits(x, w);
    setCustomWasmKernels(CUSTOM_WASM_KERNELS);
    const simd = gradBits(x, w);
    setHeapSimd(false);
    const js = gradBits(x, w);
    expect(simd).toEqual(stock);
    expect(js).toEqual(stock);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it("replaces tfjs-core's Step, Cast and Multiply by one kernel call", async () => {
    const t = tf.tensor1d(x);
    const dy = tf.tensor1d(w);
    const info = await tf.profile(() => {
      const [g] = tf.engine().gradients(() => tf.relu(t), [t], dy).grads;
      g.dispose();
    });
    tf.dispose([t, dy]);
    expect(info.kernelNames).toContain(RELU_GRAD);
    expect(info.kernelNames).not.toContain(tf.Step);
    expect(info.kernelNames).not.toContain(tf.Multiply);
  });

  it("rejects operands of different shapes, naming them", () => {
    const dy = tf.ones([2, 3]);
    const v = tf.ones([3, 2]);
    expect(() => tf.engine().runKernel(RELU_GRAD, { dy, x: v })).toThrow(/one shape.*\[2,3\].*\[3,2\]/);
    tf.dispose([dy, v]);
  });
});
