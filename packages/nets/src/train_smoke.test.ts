import { tf, initBackend } from "@ghmkit/tensor";
import { ARCHS_FOR_TASK, type NetConfig, TASKS, buildModel } from "./index";

// Every arch/task trains on wasm: gradients flow through reshape/dense/concat/conv1d and the
// loss on a fixed batch goes down (the cross-entropy training the train package does).
beforeAll(async () => {
  await initBackend("wasm");
});

const cfg: NetConfig = {
  depth: 2,
  arity: 2,
  channels: 3,
  classes: 2,
  width: 8,
  activation: "relu",
  extraConvs: 1,
  seed: 1,
};

test.each(TASKS.flatMap((t) => ARCHS_FOR_TASK[t].map((a) => [a, t] as const)))(
  "%s %s: loss decreases on a fixed batch",
  async (arch, task) => {
    const model = buildModel(arch, task, cfg);
    // The nets output logits: softmax cross-entropy over the last axis.
    model.compile({
      optimizer: tf.train.adam(0.02),
      loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp),
    });
    const x = tf.randomUniform([16, 4, 3], -1, 0, "float32", 2);
    const labels = tf.randomUniform(
      task === "classifier" ? [16] : [16, 4],
      0,
      task === "classifier" ? 2 : 3,
      "int32",
      3,
    );
    const y = tf.oneHot(labels, task === "classifier" ? 2 : 3);
    const h = await model.fit(x, y, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    tf.dispose([x, labels, y]);
    model.dispose();
  },
);
