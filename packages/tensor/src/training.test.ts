import { initBackend, silenceCpuNodeHint, tf } from "./backend";
import {
  kernelTestBatch,
  type KernelTestNetConfig,
  buildKernelTestNet,
  levelsOf,
  makeTrainStep,
} from "./testing/kernelTestNet";
import { setGemmFma } from "./gemm_fma_node";

const tiny: KernelTestNetConfig = { batch: 4, d: 8, S: 3, m: 2, filters: 4, seed: 7 };

async function lossesOn(backend: "wasm" | "cpu", steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  silenceCpuNodeHint();
  const model = buildKernelTestNet(tiny);
  const step = makeTrainStep(model, tf.train.sgd(0.1));
  const { x, y } = kernelTestBatch(tiny);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(step(x, y));
  tf.dispose([x, y]);
  model.dispose();
  await tf.setBackend("wasm");
  return losses;
}

beforeAll(async () => {
  await initBackend("wasm");
  // These compare with XNNPACK's bits (each multiply-add rounded twice): the plain kernels.
  setGemmFma(false);
});

describe("training a small U-Net on wasm", () => {
  it("keeps tensors and wasm memory flat across steps", () => {
    const model = buildKernelTestNet(tiny);
    const step = makeTrainStep(model, tf.train.adam(1e-3));
    const { x, y } = kernelTestBatch(tiny);
    step(x, y); // the first step creates Adam's slot variables
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) step(x, y);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("follows the same loss curve as the cpu backend", async () => {
    const wasm = await lossesOn("wasm", 4);
    const cpu = await lossesOn("cpu", 4);
    expect(wasm[3]).toBeLessThan(wasm[0]);
    wasm.forEach((l, i) => expect(Math.abs(l - cpu[i])).toBeLessThan(1e-4 * Math.max(1, cpu[i])));
  });

  it("a conv1d kernel 2 stride 2 + dense model trains with flat memory", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv1d({
          inputShape: [8, 3],
          filters: 5,
          kernelSize: 2,
          strides: 2,
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const opt = tf.train.adam(1e-2);
    const x = tf.randomNormal([6, 8, 3], 0, 1, "float32", 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0], "int32"), 2).toFloat();
    const step = makeTrainStep(model, opt);
    const first = step(x, y);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 10; i++) last = step(x, y);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("levelsOf refuses d that is not a power of m", () => {
    expect(levelsOf(64, 2)).toBe(6);
    expect(levelsOf(27, 3)).toBe(3);
    expect(() => levelsOf(48, 2)).toThrow(/d: 48 leaves is not a power of m=2/);
    expect(() => levelsOf(8, 1)).toThrow(/m: arity/);
  });
});
