/**
 * Model directories: the standard tfjs files (model.json + weights.bin) plus
 * `ghm-model.json` holding the architecture, task and config (and any caller metadata),
 * so the model can be rebuilt, checked and reported. Saving is atomic: everything is
 * written into a sibling temporary directory which is then renamed into place, so a
 * reader never sees a half-written model.
 */
import type * as FS_SYNC from "node:fs";
import type * as FS from "node:fs/promises";
import type * as PATH from "node:path";
import { InputError } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { registerReluActivations } from "./activations";
import { fsIOHandler } from "./io_node";
import { MAX_MODEL_JSON_BYTES, MODEL_JSON, unsafeWeightsPath } from "./modelFiles";
import { archParamCount, buildModel } from "./model";
import { META_JSON, type ModelMeta, modelMetaJson, parseModelMeta } from "./modelMeta";
import { MAX_PARAMS } from "./params";

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMeta;
}

function node(): { fs: typeof FS; path: typeof PATH } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { fs: require("node:fs/promises") as typeof FS, path: require("node:path") as typeof PATH };
}

async function exists(fs: typeof FS, p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

let tmpCounter = 0;

/** Write `model` and `meta` to directory `dir`, replacing a model saved there before. */
export async function saveModel(model: tf.LayersModel, dir: string, meta: ModelMeta): Promise<void> {
  const metaText = modelMetaJson(meta, "saveModel");
  const { fs, path } = node();
  const target = path.resolve(dir);
  if (await exists(fs, target)) {
    const entries = await fs.readdir(target).catch(() => {
      throw new InputError(dir, `saveModel: ${target} exists and is not a directory`, `choose another path`);
    });
    if (entries.length > 0 && !entries.includes(META_JSON)) {
      throw new InputError(
        `${target}`,
        `saveModel: ${target} is a non-empty directory without ${META_JSON}; refusing to replace it, choose an empty or new path`,
      );
    }
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${tmpCounter++}`;
  const tmp = `${target}.tmp-${stamp}`;
  const old = `${target}.old-${stamp}`;
  try {
    await model.save(fsIOHandler(tmp));
    await fs.writeFile(path.join(tmp, META_JSON), metaText);
    // rename() cannot replace a non-empty directory: move the old one aside first.
    const replacing = await exists(fs, target);
    if (replacing) await fs.rename(target, old);
    await fs.rename(tmp, target);
    if (replacing) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The checked ghm-model.json of the model directory `dir` (modelMeta.ts's parser); an
 * unreadable file is refused with a hint that `dir` may not be a saved model.
 */
export function readModelMeta(dir: string): ModelMeta {
  const { path } = node();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("node:fs") as typeof FS_SYNC;
  const metaFile = path.join(dir, META_JSON);
  let text: string;
  try {
    text = fs.readFileSync(metaFile, "utf8");
  } catch (err) {
    throw new InputError(
      metaFile,
      `cannot be read (${err instanceof Error ? err.message : String(err)})`,
      `is ${dir} a directory written by saveModel?`,
    );
  }
  return parseModelMeta(text, metaFile);
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
}

/**
 * Read a directory written by saveModel, validated as a whole before anything is
 * allocated: ghm-model.json (architecture, task, config) must fit the parameter
 * limit; model.json's weights manifest must list exactly the weights of the network
 * that metadata describes (names' last component, shapes, float32, in order), its
 * files must be plain names inside `dir` (no `..`, absolute paths, URLs or symlinks
 * leading out), and their byte sizes must add up to the manifest. The network is then
 * rebuilt from ghm-model.json and given the weights: model.json's topology is never
 * trusted (a hostile one cannot declare layers of another size).
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { fs, path } = node();
  const where = `loadModel ${dir}`;
  const metaFile = path.join(dir, META_JSON);
  const meta = readModelMeta(dir);
  if (meta.config.activation === "lse-relu") registerReluActivations(meta.config.approxWidth as number);
  // A plug-in without paramCount is counted once built (its code is the user's own, not the file's).
  let params = archParamCount(meta.arch, meta.task, meta.config);
  if (params !== undefined && !(params <= MAX_PARAMS))
    throw new InputError(
      dir,
      `loadModel ${metaFile}: ${meta.arch} ${meta.task} with width ${meta.config.width} has ${params} parameters, above the limit of ${MAX_PARAMS}; refusing to allocate it`,
    );

  const modelFile = path.join(dir, MODEL_JSON);
  const st = await fs.stat(modelFile).catch(() => null);
  if (st === null || !st.isFile()) throw new InputError(dir, `loadModel: ${dir} has no ${MODEL_JSON}`);
  if (st.size > MAX_MODEL_JSON_BYTES)
    throw new InputError(
      `${MODEL_JSON}`,
      `${where}: ${MODEL_JSON} is ${st.size} bytes, above the limit of ${MAX_MODEL_JSON_BYTES}`,
    );
  let modelJSON: { weightsManifest?: unknown };
  try {
    modelJSON = JSON.parse(await fs.readFile(modelFile, "utf8"));
  } catch (err) {
    throw new InputError(
      `${MODEL_JSON}`,
      `${where}: ${MODEL_JSON} is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const groups = modelJSON?.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0)
    throw new InputError(`${MODEL_JSON}`, `${where}: ${MODEL_JSON} has no weightsManifest`);
  const specs: ManifestWeight[] = [];
  const files: string[] = [];
  const realDir = await fs.realpath(dir);
  for (const [gi, g] of groups.entries()) {
    const group = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      throw new InputError(
        `weightsManifest[${gi}]`,
        `${where}: weightsManifest[${gi}] must have paths and weights arrays`,
      );
    for (const p of group.paths) {
      const why = unsafeWeightsPath(p);
      if (why !== null)
        throw new InputError(
          dir,
          `${where}: weightsManifest[${gi}].paths entry ${JSON.stringify(p)} ${why}; weight files must lie inside the model directory`,
        );
      const real = await fs.realpath(path.join(dir, p as string)).catch(() => {
        throw new InputError(dir, `${where}: weight file ${p as string} listed in ${MODEL_JSON} does not exist`);
      });
      const rel = path.relative(realDir, real);
      if (rel.startsWith("..") || path.isAbsolute(rel))
        throw new InputError(
          dir,
          `${where}: weight file ${p as string} resolves to ${real}, outside the model directory`,
        );
      files.push(real);
    }
    for (const w of group.weights as ManifestWeight[]) {
      const ok =
        w !== null &&
        typeof w === "object" &&
        typeof w.name === "string" &&
        Array.isArray(w.shape) &&
        w.shape.every((n) => Number.isInteger(n) && n >= 0 && n <= MAX_PARAMS);
      if (!ok)
        throw new InputError(
          `weightsManifest[${gi}]`,
          `${where}: weightsManifest[${gi}] has a malformed weight entry ${JSON.stringify(w).slice(0, 120)}`,
        );
      if (w.dtype !== "float32" || "quantization" in w)
        throw new InputError(
          dir,
          `${where}: weight ${w.name} has dtype ${JSON.stringify(w.dtype)}${"quantization" in w ? " with quantization" : ""}; only float32 is supported`,
        );
      specs.push(w);
    }
  }
  const count = specs.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  let model: tf.LayersModel | null = null;
  if (params === undefined) {
    model = buildModel(meta.arch, meta.task, meta.config);
    params = model.countParams();
  }
  if (count !== params) {
    model?.dispose();
    throw new InputError(
      dir,
      `${where}: ${MODEL_JSON} lists ${count} weights but ${META_JSON} describes a ${meta.arch} ${meta.task} of width ${meta.config.width} with ${params}; the two files do not belong together`,
    );
  }
  let bytes = 0;
  for (const f of files) bytes += (await fs.stat(f)).size;
  if (bytes !== 4 * count) {
    model?.dispose();
    throw new InputError(
      dir,
      `${where}: the weight files hold ${bytes} bytes, the manifest needs ${4 * count} (${count} float32); the files are ${bytes < 4 * count ? "truncated" : "too long"}`,
    );
  }

  model ??= buildModel(meta.arch, meta.task, meta.config);

  try {
    const ws = model.weights;
    const mismatch =
      ws.length !== specs.length
        ? `${specs.length} tensors, the network has ${ws.length}`
        : ws
            .map((w, i) => [w, specs[i]] as const)
            .find(
              ([w, s]) =>
                w.shape.join(",") !== s.shape.join(",") ||
                w.name.split("/").pop()!.replace(/_\d+$/, "") !== s.name.split("/").pop()!.replace(/_\d+$/, ""),
            );
    if (mismatch) {
      const what =
        typeof mismatch === "string"
          ? mismatch
          : `weight ${mismatch[1].name} has shape [${mismatch[1].shape}], the network's ${mismatch[0].name} has [${mismatch[0].shape}]`;
      throw new InputError(dir, `${where}: ${MODEL_JSON}'s manifest does not match ${META_JSON}: ${what}`);
    }
    const buf = new Uint8Array(bytes);
    let at = 0;
    for (const f of files) {
      const b = await fs.readFile(f);
      if (at + b.byteLength > bytes) throw new Error(`${where}: weight file ${f} changed while it was read`);
      buf.set(b, at);
      at += b.byteLength;
    }
    const all = new Float32Array(buf.buffer, 0, count);
    let off = 0;
    const tensors = ws.map((w) => {
      const n = w.shape.reduce((x: number, y) => x * (y as number), 1);
      const t = tf.tensor(all.subarray(off, off + n), w.shape as number[], "float32");
      off += n;
      return t;
    });
    model.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
    return { model, meta };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
