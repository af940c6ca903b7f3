import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "@ghmkit/ghm";
import { initBackend, tf } from "@ghmkit/tensor";
import {
  ARCHS,
  META_JSON,
  type NetConfig,
  architectureNames,
  buildModel,
  fsIOHandler,
  loadModel,
  registerArchitecture,
  registeringFrom,
  saveModel,
  unregisterArchitecture,
} from "./index";

const cfg: NetConfig = {
  depth: 2,
  arity: 2,
  channels: 3,
  classes: 3,
  width: 5,
  activation: "relu",
  extraConvs: 1,
  seed: 4,
};

/** A layer tfjs does not know: x * gain, one learned gain per channel. */
class Gain extends tf.layers.Layer {
  static className = "RegistryTestGain";
  private gain!: tf.LayerVariable;
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = inputShape as number[];
    this.gain = this.addWeight("gain", [s[s.length - 1]], "float32", tf.initializers.randomUniform({ seed: 1 }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.gain.read()));
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(Gain);

/** Per leaf: dense to W, the custom gain, dense to S logits. */
function buildGainNet(c: NetConfig): tf.LayersModel {
  const input = tf.input({ shape: [c.arity ** c.depth, c.channels] });
  let x = tf.layers
    .dense({ units: c.width, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }) })
    .apply(input) as tf.SymbolicTensor;
  x = new Gain({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: c.channels, kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + 1 }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

let root: string;

beforeAll(async () => {
  await initBackend("cpu");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ghm-registry-"));
});

afterAll(() => {
  unregisterArchitecture("gain-net");
  fs.rmSync(root, { recursive: true, force: true });
});

test("the built-ins are registered, by task", () => {
  expect(architectureNames()).toEqual([...ARCHS]);
  expect(architectureNames("classifier")).toEqual(["convnet", "flat", "mlp"]);
  expect(architectureNames("denoiser")).toEqual(["unet", "unet-noskip", "flat", "mlp"]);
});

test("an unknown architecture is an InputError listing the registered names", () => {
  let err: unknown;
  try {
    buildModel("resnet", "denoiser", cfg);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).field).toBe("arch");
  expect((err as Error).message).toMatch(/convnet, unet, unet-noskip, flat, mlp .*got "resnet".*--plugin/);
});

test("bad registrations are refused: a built-in's name, a bad name, no build, no tasks", () => {
  const arch = { tasks: ["denoiser"] as const, build: buildGainNet };
  expect(() => registerArchitecture("unet", arch)).toThrow(/already registered by ghmkit \(built-in\)/);
  expect(() => registerArchitecture("My Net", arch)).toThrow(InputError);
  expect(() => registerArchitecture("x", { tasks: ["denoiser"] } as never)).toThrow(/build/);
  expect(() => registerArchitecture("x", { tasks: [], build: buildGainNet })).toThrow(/tasks/);
});

test("a plug-in with a custom layer builds, saves (naming its plugin), loads, and is refused by name without it", async () => {
  await registeringFrom("./gain-net.js", () =>
    registerArchitecture("gain-net", { tasks: ["denoiser"], build: (c) => buildGainNet(c) }),
  );
  expect(architectureNames("denoiser")).toContain("gain-net");
  expect(() => buildModel("gain-net", "classifier", cfg)).toThrow(/"gain-net" has no classifier/);
  const model = buildModel("gain-net", "denoiser", cfg);
  const x = tf.randomNormal([2, 4, 3], 0, 1, "float32", 5);
  const want = (model.predict(x) as tf.Tensor).arraySync();
  const dir = path.join(root, "gain");
  await saveModel(model, dir, { arch: "gain-net", task: "denoiser", config: cfg });
  expect(JSON.parse(fs.readFileSync(path.join(dir, META_JSON), "utf8")).plugin).toBe("./gain-net.js");

  // nets' loader (rebuilt from ghm-model.json) and tfjs's own (topology with the registered class) agree.
  const loaded = await loadModel(dir);
  expect((loaded.model.predict(x) as tf.Tensor).arraySync()).toEqual(want);
  expect(loaded.meta.plugin).toBe("./gain-net.js");
  const bare = await tf.loadLayersModel(fsIOHandler(dir));
  expect((bare.predict(x) as tf.Tensor).arraySync()).toEqual(want);

  unregisterArchitecture("gain-net");
  await expect(loadModel(dir)).rejects.toThrow(
    /uses architecture gain-net from plugin \.\/gain-net\.js \(pass --plugin \.\/gain-net\.js;/,
  );
  await expect(loadModel(dir)).rejects.toBeInstanceOf(InputError);
  [model, loaded.model, bare].forEach((m) => m.dispose());
  x.dispose();
});
