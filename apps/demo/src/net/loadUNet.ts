/**
 * Loading a U-Net saved by the CLI: a model directory holds the standard TensorFlow.js
 * files (model.json + weights.bin) and ghm-model.json (architecture, task, net config
 * and, under extra.grammar, the grammar it was trained on), and, from `ghm compile`, the
 * grammar itself (grammar.json). Either pick the files or give the URL of the directory
 * or of its model.json.
 */
import { type Grammar, parseGrammar } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import {
  META_JSON,
  MODEL_GRAMMAR_JSON,
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
  /** The directory's grammar.json (`ghm compile` writes it), null without one. */
  grammar: Grammar | null;
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
  const grammarFile = byName(MODEL_GRAMMAR_JSON);
  const [meta, grammar] = await disposingOnError(model, async () => [
    metaFile ? parseMeta(await metaFile.text(), metaFile.name) : null,
    grammarFile ? parseGrammarText(await grammarFile.text(), grammarFile.name) : null,
  ]);
  return describe(model, meta, grammar, files.map((f) => f.name).join(", "));
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
  const [meta, grammar] = await disposingOnError(model, async () => {
    const metaUrl = new URL(META_JSON, modelUrl).href;
    const res = await fetch(metaUrl).catch(() => null);
    const meta = res?.ok ? parseMeta(await res.text(), metaUrl) : null;
    // Only a directory whose metadata names its grammar.json is asked for one (no 404s).
    if (!carriesGrammar(meta)) return [meta, null];
    const grammarUrl = new URL(MODEL_GRAMMAR_JSON, modelUrl).href;
    const gres = await fetch(grammarUrl);
    if (!gres.ok) throw new Error(`${grammarUrl}: HTTP ${gres.status} (${META_JSON} says the model carries it)`);
    return [meta, parseGrammarText(await gres.text(), grammarUrl)];
  });
  return describe(model, meta, grammar, modelUrl);
}

/** nets' one ghm-model.json parser, plus what the demo needs: a denoiser. */
function parseMeta(text: string, where: string): ModelMeta {
  const meta = parseModelMeta(text, where);
  if (meta.task !== "denoiser")
    throw new Error(`${where}: this model is a ${meta.arch} ${meta.task}; the demo needs a denoiser`);
  return meta;
}

/** Whether ghm-model.json says the directory carries its grammar.json (as `ghm compile` writes it). */
function carriesGrammar(meta: ModelMeta | null): boolean {
  const g = (meta?.extra as { grammar?: { kind?: unknown; path?: unknown } } | undefined)?.grammar;
  return g?.kind === "file" && g.path === MODEL_GRAMMAR_JSON;
}

/** The model's metadata and grammar, read after the model: it is disposed when they are bad. */
async function disposingOnError(
  model: tf.LayersModel,
  read: () => Promise<[ModelMeta | null, Grammar | null]>,
): Promise<[ModelMeta | null, Grammar | null]> {
  try {
    return await read();
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** ghm's grammar parser on a file's text, naming the file when it is not a ghm/v1 grammar. */
function parseGrammarText(text: string, where: string): Grammar {
  try {
    return parseGrammar(JSON.parse(text));
  } catch (err) {
    throw new Error(`${where}: not a ghm/v1 grammar (${err instanceof Error ? err.message : String(err)})`);
  }
}

function describe(model: tf.LayersModel, meta: ModelMeta | null, grammar: Grammar | null, source: string): LoadedUNet {
  try {
    return { model, meta, grammar, ...denoiserShape(model), source };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
