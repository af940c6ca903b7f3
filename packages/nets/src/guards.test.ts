/** Size guards of the networks: refused from the config, with the count and the limit, before any weight exists. */
import { tf, initBackend } from "@ghmkit/tensor";
import { MAX_LEAVES, MAX_PARAMS, type NetConfig, buildModel, configFromGrammar, expectedParamCount } from "./index";

beforeAll(async () => {
  await initBackend("cpu");
});

const base: NetConfig = {
  depth: 10,
  arity: 2,
  channels: 64,
  classes: 8,
  width: 4096,
  activation: "relu",
  extraConvs: 0,
  seed: 1,
};

describe("network size guards", () => {
  test("more than MAX_PARAMS weights: refused with the count, no tensor allocated", () => {
    const before = tf.memory().numTensors;
    const n = expectedParamCount("mlp", "denoiser", base);
    expect(n).toBeGreaterThan(MAX_PARAMS);
    expect(() => buildModel("mlp", "denoiser", base)).toThrow(
      new RegExp(
        `mlp denoiser: ${n} parameters exceed the limit of ${MAX_PARAMS} \\(reduce width, depth or \\(mlp\\) the leaf count\\)`,
      ),
    );
    expect(() => buildModel("unet", "denoiser", { ...base, depth: 3 })).toThrow(
      /unet denoiser: \d+ parameters exceed the limit/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a leaf count above MAX_LEAVES is refused by name, whatever the width", () => {
    expect(() => buildModel("convnet", "classifier", { ...base, width: 1, depth: 21 })).toThrow(
      new RegExp(`d = arity\\^depth = 2\\^21 exceeds ${MAX_LEAVES} leaves`),
    );
    expect(() =>
      configFromGrammar({
        depth: 64,
        arity: 2,
        vocab: new Array(65).fill(2),
        root: new Float64Array([0.5, 0.5]),
        levels: [],
      }),
    ).toThrow(/2\^64 exceeds/);
  });
});
