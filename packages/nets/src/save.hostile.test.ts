/**
 * Hostile model directories: every part is checked against the others before anything
 * is allocated or read outside the directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initBackend } from "@ghmkit/tensor";
import {
  buildModel,
  fsIOHandler,
  loadModel,
  META_JSON,
  MODEL_JSON,
  type NetConfig,
  saveModel,
  unsafeWeightsPath,
  WEIGHTS_BIN,
} from "./index";

const cfg: NetConfig = {
  depth: 3,
  arity: 2,
  channels: 8,
  classes: 8,
  width: 64,
  activation: "relu",
  extraConvs: 1,
  seed: 3,
};
let root: string;
let good: string;

beforeAll(async () => {
  await initBackend("cpu");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ghm-hostile-"));
  good = path.join(root, "good");
  const m = buildModel("unet", "denoiser", cfg);
  await saveModel(m, good, { arch: "unet", task: "denoiser", config: cfg });
  m.dispose();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A copy of the good model with `edit` applied. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = path.join(root, name);
  fs.cpSync(good, dir, { recursive: true });
  edit(dir);
  return dir;
}
const json = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
const editJson = (f: string, fn: (j: any) => void) => {
  const j = json(f);
  fn(j);
  fs.writeFileSync(f, JSON.stringify(j));
};

test("the good directory loads", async () => {
  const { model } = await loadModel(good);
  model.dispose();
});

test("metadata claiming width 1e9 beside a width-64 model.json is refused before allocation, naming the limit", async () => {
  const dir = variant("wide", (d) => editJson(path.join(d, META_JSON), (j) => (j.config.width = 1e9)));
  await expect(loadModel(dir)).rejects.toThrow(
    /width 1000000000 has .* parameters, above the limit of 100000000; refusing to allocate/,
  );
});

test("metadata of another (allowed) width than the weights is refused: the files do not belong together", async () => {
  const dir = variant("w32", (d) => editJson(path.join(d, META_JSON), (j) => (j.config.width = 32)));
  await expect(loadModel(dir)).rejects.toThrow(/do not belong together/);
});

test.each([
  ["../other/weights.bin"],
  ["/etc/passwd"],
  ["./weights.bin"],
  ["sub//w.bin"],
  ["http://example.com/w.bin"],
  ["..\\\\w.bin"],
])("weights path %s is refused", async (p) => {
  fs.mkdirSync(path.join(root, "other"), { recursive: true });
  fs.copyFileSync(path.join(good, WEIGHTS_BIN), path.join(root, "other", "weights.bin"));
  const dir = variant(`path-${Buffer.from(p).toString("hex")}`, (d) =>
    editJson(path.join(d, MODEL_JSON), (j) => (j.weightsManifest[0].paths = [p])),
  );
  await expect(loadModel(dir)).rejects.toThrow(/inside the model directory|outside the model directory/);
  await expect(fsIOHandler(dir).load!()).rejects.toThrow(/outside the model directory/);
  expect(unsafeWeightsPath(p)).not.toBeNull();
});

test("a symlinked weights file pointing outside the directory is refused", async () => {
  const dir = variant("symlink", (d) => {
    fs.rmSync(path.join(d, WEIGHTS_BIN));
    fs.symlinkSync(path.join(root, "other", "weights.bin"), path.join(d, WEIGHTS_BIN));
  });
  await expect(loadModel(dir)).rejects.toThrow(/outside the model directory/);
});

test("truncated and over-long weights are refused with the byte counts", async () => {
  const size = fs.statSync(path.join(good, WEIGHTS_BIN)).size;
  const short = variant("trunc", (d) => fs.truncateSync(path.join(d, WEIGHTS_BIN), size - 4));
  await expect(loadModel(short)).rejects.toThrow(
    new RegExp(`hold ${size - 4} bytes, the manifest needs ${size} .*truncated`),
  );
  const long = variant("long", (d) => fs.appendFileSync(path.join(d, WEIGHTS_BIN), Buffer.alloc(8)));
  await expect(loadModel(long)).rejects.toThrow(/too long/);
});

test("shapes not matching the network, swapped weights, other dtypes and malformed manifests are refused", async () => {
  const swapped = variant("swap", (d) =>
    editJson(path.join(d, MODEL_JSON), (j) => {
      const w = j.weightsManifest[0].weights;
      [w[0], w[1]] = [w[1], w[0]];
    }),
  );
  await expect(loadModel(swapped)).rejects.toThrow(/manifest does not match ghm-model.json: weight .* has shape/);
  const reshaped = variant("reshape", (d) =>
    editJson(path.join(d, MODEL_JSON), (j) => {
      const s = j.weightsManifest[0].weights[0].shape as number[];
      j.weightsManifest[0].weights[0].shape = [...s].reverse();
    }),
  );
  await expect(loadModel(reshaped)).rejects.toThrow(/has shape/);
  const dtype = variant("dtype", (d) =>
    editJson(path.join(d, MODEL_JSON), (j) => (j.weightsManifest[0].weights[0].dtype = "float16")),
  );
  await expect(loadModel(dtype)).rejects.toThrow(/only float32/);
  const neg = variant("neg", (d) =>
    editJson(path.join(d, MODEL_JSON), (j) => (j.weightsManifest[0].weights[0].shape = [-1, 5])),
  );
  await expect(loadModel(neg)).rejects.toThrow(/malformed weight entry/);
  const none = variant("none", (d) => editJson(path.join(d, MODEL_JSON), (j) => delete j.weightsManifest));
  await expect(loadModel(none)).rejects.toThrow(/no weightsManifest/);
  const garbage = variant("garbage", (d) => fs.writeFileSync(path.join(d, MODEL_JSON), "{not json"));
  await expect(loadModel(garbage)).rejects.toThrow(/not valid JSON/);
  const meta = variant("meta", (d) => fs.writeFileSync(path.join(d, META_JSON), "null"));
  await expect(loadModel(meta)).rejects.toThrow(/format/);
});

test("a hostile topology is never built: the network comes from ghm-model.json", async () => {
  const dir = variant("topology", (d) =>
    editJson(
      path.join(d, MODEL_JSON),
      (j) =>
        (j.modelTopology = {
          class_name: "Sequential",
          config: { layers: [{ class_name: "Dense", config: { units: 1e9, input_shape: [1e9] } }] },
        }),
    ),
  );
  const { model } = await loadModel(dir);
  expect(model.countParams()).toBeLessThan(1e6);
  model.dispose();
});
