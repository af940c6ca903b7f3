import { tf, initBackend } from "@ghmkit/tensor";
import {
  ARCHS,
  ARCHS_FOR_TASK,
  type Arch,
  type BuiltinArch,
  type NetConfig,
  TASKS,
  type Task,
  buildModel,
  countParams,
  expectedParamCount,
} from "./index";

const cfg: NetConfig = {
  depth: 3,
  arity: 2,
  channels: 5,
  classes: 3,
  width: 8,
  activation: "relu",
  extraConvs: 1,
  seed: 7,
};

beforeAll(async () => {
  await initBackend("cpu");
});

function weights(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe("buildModel", () => {
  const pairs: [BuiltinArch, Task][] = TASKS.flatMap((t) => ARCHS_FOR_TASK[t].map((a): [BuiltinArch, Task] => [a, t]));

  test.each(pairs)("%s %s: output shape and parameter count", (arch, task) => {
    for (const c of [cfg, { ...cfg, arity: 3, depth: 2, extraConvs: 0, width: 6 }]) {
      const model = buildModel(arch, task, c);
      const d = c.arity ** c.depth;
      expect(countParams(model)).toBe(expectedParamCount(arch, task, c));
      const x = tf.randomUniform([4, d, c.channels], 0, 1, "float32", 1);
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(task === "classifier" ? [4, c.classes] : [4, d, c.channels]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  test("the ConvNet's parameters are m*S*W + ... (hand count for one config)", () => {
    // L=3, m=2, S=5, W=8, C=3, one extra 1x1 conv per block:
    // enc3 (10*8+8) + enc2, enc1 (16*8+8 each) + 3 extras (8*8+8) + readout (8*3+3)
    expect(countParams(buildModel("convnet", "classifier", cfg))).toBe(88 + 2 * 136 + 3 * 72 + 27);
  });

  test("the skip connections are the only difference between unet and unet-noskip", () => {
    const a = countParams(buildModel("unet", "denoiser", cfg));
    const b = countParams(buildModel("unet-noskip", "denoiser", cfg));
    // Skips widen each decoder merge layer's input by the level's channels: W at l < L, S at l = L.
    expect(a - b).toBe((cfg.depth - 1) * cfg.width * cfg.width + cfg.channels * cfg.width);
  });

  test("same seed gives the same weights, another seed different ones", () => {
    for (const arch of ARCHS) {
      const task: Task = ARCHS_FOR_TASK.classifier.includes(arch) ? "classifier" : "denoiser";
      const w1 = weights(buildModel(arch, task, cfg));
      const w2 = weights(buildModel(arch, task, cfg));
      const w3 = weights(buildModel(arch, task, { ...cfg, seed: 8 }));
      expect(w1).toEqual(w2);
      expect(w1.length).toBe(w3.length);
      // Kernels differ (biases start at zero in both).
      expect(w1.some((w, i) => w.some((v, k) => v !== w3[i][k]))).toBe(true);
      // Layers within one model get different seeds.
      expect(w1[0].slice(0, 4)).not.toEqual(w1[2].slice(0, 4));
    }
  });

  test("bad configs and arch/task pairs throw naming the field", () => {
    expect(() => buildModel("convnet", "denoiser", cfg)).toThrow(/denoiser.*unet/);
    expect(() => buildModel("unet", "classifier", cfg)).toThrow(/convnet/);
    expect(() => buildModel("resnet" as Arch, "classifier", cfg)).toThrow(
      /arch: must be one of convnet, unet, unet-noskip, flat, mlp/,
    );
    expect(() => buildModel("convnet", "classifier", { ...cfg, width: 0 })).toThrow(/width/);
    expect(() => buildModel("convnet", "classifier", { ...cfg, activation: "sin" as NetConfig["activation"] })).toThrow(
      /activation/,
    );
    expect(() => buildModel("convnet", "classifier", { ...cfg, seed: NaN })).toThrow(/seed/);
    expect(() => buildModel("mlp", "denoiser", { ...cfg, depth: 12, arity: 3, width: 512 })).toThrow(
      /parameters exceed/,
    );
  });

  test("repeated predict calls leak no tensors", () => {
    const model = buildModel("unet", "denoiser", cfg);
    const x = tf.randomUniform([2, 8, cfg.channels], 0, 1, "float32", 3);
    tf.dispose(model.predict(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
