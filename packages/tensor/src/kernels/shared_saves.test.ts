import { initBackend, tf } from "../backend";
import { seeded } from "../testing/compare";
import { CUSTOM_WASM_KERNELS, setCustomWasmKernels, useCustomWasmKernels } from "./register";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  useCustomWasmKernels(true);
});

/** Loss and weight gradients of a dense layer, a ReLU and a softmax cross-entropy (every kernel saves something), and the Identity calls made. */
async function run(): Promise<{ bits: Float32Array[]; identityCalls: number }> {
  const [x, labels, w1, w2] = tf.tidy(() => [
    tf.tensor(seeded([64, 24], 1), [64, 24]),
    tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 8),
        "int32",
      ),
      8,
    ),
    tf.variable(tf.tensor(seeded([24, 32], 2), [24, 32])),
    tf.variable(tf.tensor(seeded([32, 8], 3), [32, 8])),
  ]);
  let bits: Float32Array[] = [];
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
    );
    bits = [value, grads[w1.name], grads[w2.name]].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, grads[w1.name], grads[w2.name]]);
  });
  tf.dispose([x, labels, w1, w2]);
  return { bits, identityCalls: info.kernels.filter((k) => k.name === tf.Identity).length };
}

test("the engine's saves for backprop share data without Identity calls, and the gradients keep their bits", async () => {
  const shared = await run();
  // ghmkit's Identity off: the engine clones each saved tensor through the stock kernel.
  setCustomWasmKernels(CUSTOM_WASM_KERNELS.filter((k) => k !== tf.Identity));
  const cloned = await run();
  // Left: the clones of customGrad ops (the cross-entropy saves 2), which do not go through the saves.
  expect(shared.identityCalls).toBe(2);
  expect(cloned.identityCalls).toBeGreaterThanOrEqual(shared.identityCalls + 6);
  expect(shared.bits.length).toBe(3);
  shared.bits.forEach((b, i) => {
    expect(Buffer.from(b.buffer).equals(Buffer.from(cloned.bits[i].buffer))).toBe(true);
  });
});

test("shared saves are freed with the backward pass: tensors and wasm data return to where they were", async () => {
  await run(); // first use creates what stays (kernel setup)
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  for (let i = 0; i < 3; i++) await run();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
});
