import { adam } from "./adam";
import { initBackend, silenceCpuNodeHint, tf } from "./backend";
import { kernelTestBatch, type KernelTestNetConfig, buildKernelTestNet, makeTrainStep } from "./testing/kernelTestNet";
import { relError } from "./testing/compare";

const tiny: KernelTestNetConfig = { batch: 4, d: 8, S: 3, m: 2, filters: 4, seed: 11 };

async function train(optimizer: tf.Optimizer, steps: number) {
  const model = buildKernelTestNet(tiny);
  const step = makeTrainStep(model, optimizer);
  const { x, y } = kernelTestBatch(tiny);
  for (let i = 0; i < steps; i++) step(x, y);
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  const slots = await optimizer.getWeights();
  // Layer names carry global counters; the layout is the order of (weight, slot) suffixes.
  const slotNames = slots.map((s) => s.name.split("/").slice(-2).join("/"));
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { weights, slotNames };
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("adam (fused on wasm)", () => {
  it("follows tf.train.adam step for step, with the same optimizer state layout", async () => {
    const fused = await train(adam(0.01), 5);
    const stock = await train(tf.train.adam(0.01), 5);
    expect(fused.slotNames).toEqual(stock.slotNames);
    fused.weights.forEach((w, i) => expect(relError(w, stock.weights[i])).toBeLessThan(1e-6));
  });

  it("is bit-identical to tf.train.adam on wasm (same float32 roundings, in the same order)", async () => {
    // Non-default hyper-parameters, so that every scalar's float32 rounding matters.
    const fused = await train(adam(0.0037, 0.85, 0.995, 1e-6), 6);
    const stock = await train(tf.train.adam(0.0037, 0.85, 0.995, 1e-6), 6);
    fused.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(stock.weights[i])));
  });

  it("stays bit-identical across setWeights (a restored state re-reads the bias-correction accumulators)", async () => {
    const run = async (opt: tf.AdamOptimizer) => {
      const model = buildKernelTestNet(tiny);
      const step = makeTrainStep(model, opt);
      const { x, y } = kernelTestBatch(tiny);
      for (let i = 0; i < 3; i++) step(x, y);
      const saved = await opt.getWeights();
      const copies = saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
      await opt.setWeights(copies);
      for (let i = 0; i < 3; i++) step(x, y);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y, saved[0].tensor]);
      model.dispose();
      opt.dispose();
      return weights;
    };
    expect(await run(adam(0.01))).toEqual(await run(tf.train.adam(0.01)));
  });

  it("keeps tensors and wasm memory flat", () => {
    const model = buildKernelTestNet(tiny);
    const step = makeTrainStep(model, adam());
    const { x, y } = kernelTestBatch(tiny);
    step(x, y);
    const tensors = tf.memory().numTensors;
    const ids = tf.engine().backend.numDataIds();
    for (let i = 0; i < 4; i++) step(x, y);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("is exactly tf.train.adam where the fused kernel is absent (cpu)", async () => {
    await tf.setBackend("cpu");
    silenceCpuNodeHint();
    try {
      const fused = await train(adam(0.01), 2);
      const stock = await train(tf.train.adam(0.01), 2);
      fused.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(stock.weights[i])));
    } finally {
      await tf.setBackend("wasm");
    }
  });

  it("refuses bad hyper-parameters, naming them", () => {
    expect(() => adam(-1)).toThrow(/learningRate/);
    expect(() => adam(0.001, 1)).toThrow(/beta1 and beta2 must be < 1/);
  });
});
