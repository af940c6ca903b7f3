import { InputError } from "@ghmkit/ghm";
import type { NetConfig } from "./config";
import { META_FORMAT, type ModelMeta, checkModelMeta, modelMetaJson, parseModelMeta } from "./modelMeta";

const config: NetConfig = {
  depth: 2,
  arity: 2,
  channels: 4,
  classes: 3,
  width: 8,
  activation: "relu",
  extraConvs: 1,
  seed: 0,
};
const meta: ModelMeta = { arch: "unet", task: "denoiser", config, extra: { grammar: { kind: "rhm" }, note: 1 } };
const text = (over: Record<string, unknown>) =>
  JSON.stringify({ format: META_FORMAT, arch: "unet", task: "denoiser", config, ...over });

describe("ghm-model.json", () => {
  it("round trip: modelMetaJson then parseModelMeta gives the meta back", () => {
    expect(parseModelMeta(modelMetaJson(meta), "m.json")).toEqual(meta);
    expect(JSON.parse(modelMetaJson({ ...meta, extra: undefined })).extra).toEqual({});
    expect(parseModelMeta(text({}), "m.json").extra).toEqual({});
  });

  it("refuses text that is not a ghm-model/v1 file, naming where it came from", () => {
    expect(() => parseModelMeta("{not json", "https://x/ghm-model.json")).toThrow(
      /^https:\/\/x\/ghm-model.json: is not JSON/,
    );
    expect(() => parseModelMeta("null", "m.json")).toThrow(/m.json: has format undefined, expected "ghm-model\/v1"/);
    expect(() => parseModelMeta("[1]", "m.json")).toThrow(/format/);
    expect(() => parseModelMeta(text({ format: "ghm-model/v0" }), "m.json")).toThrow(/"ghm-model\/v0"/);
    expect(() => parseModelMeta(" ".repeat(16 * 1024 * 1024 + 1), "m.json")).toThrow(/larger than any/);
  });

  it("refuses an unknown architecture or task, a task the architecture lacks, and a bad config", () => {
    expect(() => parseModelMeta(text({ arch: "transformer" }), "m.json")).toThrow(/m.json: .*arch/);
    expect(() => parseModelMeta(text({ task: "regressor" }), "m.json")).toThrow(/task: must be one of/);
    expect(() => parseModelMeta(text({ arch: "convnet" }), "m.json")).toThrow(/has no denoiser/);
    expect(() => parseModelMeta(text({ config: { ...config, width: 0 } }), "m.json")).toThrow(/width/);
    expect(() => parseModelMeta(text({ config: null }), "m.json")).toThrow(/expected an object/);
    expect(() => parseModelMeta(text({ extra: [1] }), "m.json")).toThrow(/extra: must be an object/);
  });

  it("every refusal is an InputError whose field says where", () => {
    try {
      checkModelMeta({ ...meta, task: "classifier" }, "saveModel");
      throw new Error("not refused");
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe("saveModel");
    }
    expect(() => modelMetaJson(null as unknown as ModelMeta, "saveModel")).toThrow(/saveModel: meta must be an object/);
  });
});
