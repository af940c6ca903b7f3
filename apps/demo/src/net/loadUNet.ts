/**
 * Loading a U-Net saved by the CLI: a model directory holds the standard TensorFlow.js
 * files (model.json + weights.bin) and ghm-model.json (architecture, task, net config
 * and, under extra.grammar, the grammar it was trained on). Either pick the files or
 * give the URL of the directory or of its model.json.
 */
import { tf } from "@ghmkit/tensor";
import {
  META_JSON,
  type ModelMeta,
  denoiserShape,
  parseModelMeta,
  registerNetActivations,
  registerReluActivations,
} from "@ghmkit/nets";

// Models compiled from a grammar (`ghm compile`) use nets' "ghmLog" activation.
registerNetActivations();
import { checkWeightsManifest, parseModelJson } from "./weightsManifest";

/**
 * `ghm compile --approx-width W` models use "ghmReluSoftmax{W}" / "ghmReluLog{W}" (registered per W),
 * which tfjs writes to model.json in snake case ("ghm_relu_softmax32"): register the W's named there.
 */
function registerReluActivationsIn(modelJsonText: string): void {
  for (const m of modelJsonText.matchAll(/"ghm_?[Rr]elu_?(?:[Ss]oftmax|[Ll]og)(\d{1,7})"/g))
    registerReluActivations(Number(m[1]));
}

export interface LoadedUNet {
  model: tf.LayersModel;
  /** ghm-model.json when it came along (null without it: the shapes are then all we know). */
  meta: ModelMeta | null;
  /** Leaves d and symbols S of the input and output `[batch, d, S]`. */
  d: number;
  S: number;
  source: string;
}

export async function loadFromFiles(files: File[]): Promise<LoadedUNet> {
  const byName = (n: string): File | undefined => files.find((f) => f.name === n);
  const json = byName("model.json") ?? files.find((f) => f.name.endsWith(".json") && f.name !== META_JSON);
  if (!json)
    throw new Error(
      "pick the model directory's model.json together with its weights (.bin) file(s), and ghm-model.json if present",
    );
  const jsonText = await json.text();
  checkWeightsManifest(parseModelJson(jsonText, json.name), `file:///picked/${json.name}`);
  registerReluActivationsIn(jsonText);
  const weights = files.filter((f) => f.name.endsWith(".bin"));
  if (weights.length === 0)
    throw new Error(`${json.name} needs its weights: pick the .bin file(s) listed in its weightsManifest too`);
  const model = await tf.loadLayersModel(tf.io.browserFiles([json, ...weights]));
  const metaFile = byName(META_JSON);
  const meta = metaFile ? parseMeta(await metaFile.text(), metaFile.name) : null;
  return describe(model, meta, files.map((f) => f.name).join(", "));
}

export async function loadFromUrl(url: string): Promise<LoadedUNet> {
  const trimmed = url.trim();
  if (trimmed === "") throw new Error("model URL is empty: give the model directory or its model.json");
  const modelUrl = new URL(
    trimmed.endsWith(".json") ? trimmed : `${trimmed.replace(/\/+$/, "")}/model.json`,
    document.baseURI,
  ).href;
  // Weight paths are checked before TensorFlow.js fetches any of them.
  const res0 = await fetch(modelUrl);
  if (!res0.ok) throw new Error(`${modelUrl}: HTTP ${res0.status}`);
  const text0 = await res0.text();
  checkWeightsManifest(parseModelJson(text0, modelUrl), modelUrl);
  registerReluActivationsIn(text0);
  const model = await tf.loadLayersModel(modelUrl);
  const metaUrl = new URL(META_JSON, modelUrl).href;
  const res = await fetch(metaUrl).catch(() => null);
  const meta = res?.ok ? parseMeta(await res.text(), metaUrl) : null;
  return describe(model, meta, modelUrl);
}

/** nets' one ghm-model.json parser, plus what the demo needs: a denoiser. */
function parseMeta(text: string, where: string): ModelMeta {
  const meta = parseModelMeta(text, where);
  if (meta.task !== "denoiser")
    throw new Error(`${where}: this model is a ${meta.arch} ${meta.task}; the demo needs a denoiser`);
  return meta;
}

function describe(model: tf.LayersModel, meta: ModelMeta | null, source: string): LoadedUNet {
  try {
    return { model, meta, ...denoiserShape(model), source };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
