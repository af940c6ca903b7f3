import { checkWeightsManifest, parseModelJson } from "./weightsManifest";

const model = (paths: unknown[]) => ({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
const URL_ = "https://example.org/models/unet/model.json";

describe("checkWeightsManifest (browser model loading)", () => {
  it("accepts weight files beside model.json", () => {
    expect(() => checkWeightsManifest(model(["weights.bin", "group1-shard2of2.bin"]), URL_)).not.toThrow();
  });
  it.each([
    ["../other/weights.bin", /leaves the model directory/],
    ["/etc/passwd", /absolute path/],
    ["https://evil.example/w.bin", /leaves the model directory|is a URL/],
    ["//evil.example/w.bin", /absolute path/],
    ["a\\..\\b.bin", /backslash/],
    ["", /not a file name/],
  ])("refuses %j", (p, why) => {
    expect(() => checkWeightsManifest(model([p]), URL_)).toThrow(why);
  });
  it("refuses a model.json without a manifest, and an oversized one before parsing", () => {
    expect(() => checkWeightsManifest({ modelTopology: {} }, URL_)).toThrow(/no weightsManifest/);
    expect(() => parseModelJson(" ".repeat(16 * 1024 * 1024 + 1), "m.json")).toThrow(
      /larger than any saved model.json/,
    );
  });
});
