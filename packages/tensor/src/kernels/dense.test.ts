import { initBackend, tf } from "../backend";
import { setGemmFma } from "../gemm_fma_node";
import { DENSE, DENSE_GRAD, DENSE_GRAD_INPUT } from "./dense";
import { CUSTOM_WASM_KERNELS, setCustomWasmKernels, useCustomWasmKernels } from "./register";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  useCustomWasmKernels(true);
  setGemmFma("auto");
});

const WITHOUT_DENSE = CUSTOM_WASM_KERNELS.filter((k) => ![DENSE, DENSE_GRAD, DENSE_GRAD_INPUT].includes(k));

/**
 * Dense layers as nets' U-Net uses them (relu after a grouping reshape, linear up-sampling,
 * a skip concat, a linear read-out) plus the cases left to tfjs-layers' own Dense (tanh, no
 * bias) and a rank-2 input; seeded.
 */
function model(): tf.LayersModel {
  let seed = 1;
  const dense = (units: number, activation: "relu" | "linear" | "tanh", useBias = true) =>
    tf.layers.dense({ units, activation, useBias, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  const x = tf.input({ shape: [16, 6] });
  const grouped = tf.layers.reshape({ targetShape: [8, 12] }).apply(x) as tf.SymbolicTensor;
  const h = dense(16, "relu").apply(grouped) as tf.SymbolicTensor;
  const h2 = dense(16, "tanh").apply(h) as tf.SymbolicTensor;
  const h3 = dense(16, "relu", false).apply(h2) as tf.SymbolicTensor;
  const up = dense(32, "linear").apply(h3) as tf.SymbolicTensor;
  const spread = tf.layers.reshape({ targetShape: [16, 16] }).apply(up) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ axis: -1 }).apply([spread, x]) as tf.SymbolicTensor;
  const out = dense(6, "linear").apply(cat) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(out) as tf.SymbolicTensor;
  const head = dense(4, "relu").apply(flat) as tf.SymbolicTensor; // rank-2 input
  return tf.model({ inputs: x, outputs: [out, head] });
}

/** Five Adam steps: the losses, every weight after them, and the kernels of the last step. */
async function train(): Promise<{ losses: number[]; weights: Float32Array[]; kernels: string[] }> {
  const m = model();
  const opt = tf.train.adam(1e-2);
  const [x, y, z] = tf.tidy(() => [
    tf.randomNormal([8, 16, 6], 0, 1, "float32", 11),
    tf.oneHot(tf.randomUniform([8, 16], 0, 6, "int32", 12), 6).toFloat(),
    tf.oneHot(tf.randomUniform([8], 0, 4, "int32", 13), 4).toFloat(),
  ]);
  const step = (): number => {
    const loss = opt.minimize(() => {
      const [o, head] = m.apply(x, { training: true }) as tf.Tensor[];
      return tf.add(tf.losses.softmaxCrossEntropy(y, o), tf.losses.softmaxCrossEntropy(z, head));
    }, true) as tf.Scalar;
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) losses.push(step());
  const info = await tf.profile(() => {
    losses.push(step());
  });
  const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y, z]);
  opt.dispose();
  m.dispose();
  return { losses, weights, kernels: info.kernels.map((k) => k.name) };
}

for (const fma of [false, true]) {
  test(`Dense trains through GhmDense with tfjs-layers' own bits${fma ? " (fused multiply-add)" : ""}: losses and weights`, async () => {
    if (fma) setGemmFma("auto");
    else setGemmFma(false);
    const fast = await train();
    setCustomWasmKernels(WITHOUT_DENSE);
    const layers = await train();
    expect(fast.losses).toEqual(layers.losses);
    expect(fast.weights.length).toBe(layers.weights.length);
    fast.weights.forEach((w, i) => {
      expect(Buffer.from(w.buffer).equals(Buffer.from(layers.weights[i].buffer))).toBe(true);
    });
    // relu + bias, linear + bias (twice), rank-2 relu: GhmDense; tanh and no bias: Dense's own.
    const count = (k: string[], name: string) => k.filter((n) => n === name).length;
    expect(count(fast.kernels, DENSE)).toBe(4);
    expect(count(fast.kernels, DENSE_GRAD)).toBe(4);
    expect(count(layers.kernels, DENSE)).toBe(0);
    expect(fast.kernels.length).toBeLessThan(layers.kernels.length - 20);
  });
}

test("inference (no gradients recorded) keeps Dense's own call", async () => {
  const m = model();
  const x = tf.randomNormal([2, 16, 6], 0, 1, "float32", 5);
  const info = await tf.profile(() => {
    tf.dispose(m.predict(x) as tf.Tensor[]);
  });
  const names = info.kernels.map((k) => k.name);
  expect(names).toContain(tf._FusedMatMul);
  expect(names).not.toContain(DENSE);
  x.dispose();
  m.dispose();
});

test("a training step with GhmDense leaves tensors and wasm data as they were", async () => {
  await train();
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  await train();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
});
