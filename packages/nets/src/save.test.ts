import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tf, initBackend } from "@ghmkit/tensor";
import {
  ARCHS_FOR_TASK,
  type NetConfig,
  TASKS,
  buildModel,
  loadModel,
  saveModel,
  META_JSON,
  MODEL_JSON,
  WEIGHTS_BIN,
} from "./index";

const cfg: NetConfig = {
  depth: 2,
  arity: 2,
  channels: 4,
  classes: 3,
  width: 6,
  activation: "gelu",
  extraConvs: 1,
  seed: 3,
};
let root: string;

beforeAll(async () => {
  await initBackend("cpu");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ghm-nets-"));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

test.each(TASKS.flatMap((t) => ARCHS_FOR_TASK[t].map((a) => [a, t] as const)))(
  "%s %s: same outputs after save and load",
  async (arch, task) => {
    const model = buildModel(arch, task, cfg);
    const dir = path.join(root, `${arch}-${task}`);
    await saveModel(model, dir, { arch, task, config: cfg, extra: { note: "round trip" } });
    expect(fs.readdirSync(dir).sort()).toEqual([META_JSON, MODEL_JSON, WEIGHTS_BIN].sort());
    const loaded = await loadModel(dir);
    expect(loaded.meta).toEqual({ arch, task, config: cfg, extra: { note: "round trip" } });
    const x = tf.randomNormal([3, 4, 4], 0, 1, "float32", 9);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.model.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.model.dispose();
  },
);

test("model.json is the standard layers format a browser can fetch", async () => {
  const dir = path.join(root, "standard");
  await saveModel(buildModel("convnet", "classifier", cfg), dir, { arch: "convnet", task: "classifier", config: cfg });
  const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), "utf8"));
  expect(json.format).toBe("layers-model");
  expect(json.modelTopology.class_name).toBe("Model");
  expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_BIN]);
  const bytes = json.weightsManifest[0].weights.reduce(
    (s: number, w: { shape: number[] }) => s + 4 * w.shape.reduce((p, n) => p * n, 1),
    0,
  );
  expect(fs.statSync(path.join(dir, WEIGHTS_BIN)).size).toBe(bytes);
});

test("saving over a model replaces it atomically and leaves no temporary directories", async () => {
  const dir = path.join(root, "replace");
  await saveModel(buildModel("unet", "denoiser", cfg), dir, { arch: "unet", task: "denoiser", config: cfg });
  const other = { ...cfg, seed: 4 };
  const second = buildModel("unet", "denoiser", other);
  await saveModel(second, dir, { arch: "unet", task: "denoiser", config: other });
  const { model, meta } = await loadModel(dir);
  expect(meta.config.seed).toBe(4);
  expect(model.getWeights()[0].dataSync()).toEqual(second.getWeights()[0].dataSync());
  expect(fs.readdirSync(root).filter((n) => n.startsWith("replace"))).toEqual(["replace"]);
});

test("refuses to replace a directory that is not a saved model, and bad meta", async () => {
  const dir = path.join(root, "precious");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "notes.txt"), "keep me");
  const model = buildModel("convnet", "classifier", cfg);
  await expect(saveModel(model, dir, { arch: "convnet", task: "classifier", config: cfg })).rejects.toThrow(
    /refusing to replace/,
  );
  expect(fs.readdirSync(dir)).toEqual(["notes.txt"]);
  await expect(
    saveModel(model, path.join(root, "x"), { arch: "convnet", task: "classifier", config: { ...cfg, width: -1 } }),
  ).rejects.toThrow(/width/);
  await expect(loadModel(path.join(root, "missing"))).rejects.toThrow(/saveModel/);
});
