/**
 * Model directories: the standard tfjs files (model.json + weights.bin) plus
 * `ghm-model.json` holding the architecture, task and config (and any caller metadata),
 * so the model can be rebuilt, checked and reported. Saving is atomic: everything is
 * written into a sibling temporary directory which is then renamed into place, so a
 * reader never sees a half-written model.
 */
import type * as FS from "node:fs/promises";
import type * as PATH from "node:path";
import { tf } from "@ghmkit/tensor";
import { Arch, NetConfig, Task, validateArchTask, validateConfig } from "./config";
import { fsIOHandler, MODEL_JSON } from "./io_node";

export const META_JSON = "ghm-model.json";
export const META_FORMAT = "ghm-model/v1";

export interface ModelMeta {
  arch: Arch;
  task: Task;
  config: NetConfig;
  /** Anything else the caller wants kept with the model (training run, data seed, ...). */
  extra?: Record<string, unknown>;
}

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMeta;
}

function node(): { fs: typeof FS; path: typeof PATH } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { fs: require("node:fs/promises") as typeof FS, path: require("node:path") as typeof PATH };
}

function validateMeta(meta: ModelMeta, where: string): void {
  if (meta === null || typeof meta !== "object") throw new Error(`${where}: meta must be an object {arch, task, config}`);
  try {
    validateArchTask(meta.arch, meta.task);
    validateConfig(meta.config);
  } catch (err) {
    throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
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
  validateMeta(meta, "saveModel");
  const { fs, path } = node();
  const target = path.resolve(dir);
  if (await exists(fs, target)) {
    const entries = await fs.readdir(target).catch(() => {
      throw new Error(`saveModel: ${target} exists and is not a directory; choose another path`);
    });
    if (entries.length > 0 && !entries.includes(META_JSON)) {
      throw new Error(`saveModel: ${target} is a non-empty directory without ${META_JSON}; refusing to replace it, choose an empty or new path`);
    }
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${tmpCounter++}`;
  const tmp = `${target}.tmp-${stamp}`;
  const old = `${target}.old-${stamp}`;
  try {
    await model.save(fsIOHandler(tmp));
    const body = { format: META_FORMAT, arch: meta.arch, task: meta.task, config: meta.config, extra: meta.extra ?? {} };
    await fs.writeFile(path.join(tmp, META_JSON), JSON.stringify(body, null, 2) + "\n");
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

/** Read a directory written by saveModel. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { fs, path } = node();
  const metaFile = path.join(dir, META_JSON);
  let raw: { format?: unknown } & Partial<ModelMeta>;
  try {
    raw = JSON.parse(await fs.readFile(metaFile, "utf8"));
  } catch (err) {
    throw new Error(`loadModel: cannot read ${metaFile} (${err instanceof Error ? err.message : String(err)}); is ${dir} a directory written by saveModel?`);
  }
  if (raw.format !== META_FORMAT) {
    throw new Error(`loadModel: ${metaFile} has format ${JSON.stringify(raw.format)}, expected "${META_FORMAT}"`);
  }
  const meta: ModelMeta = { arch: raw.arch as Arch, task: raw.task as Task, config: raw.config as NetConfig, extra: raw.extra ?? {} };
  validateMeta(meta, `loadModel ${metaFile}`);
  if (!(await exists(fs, path.join(dir, MODEL_JSON)))) throw new Error(`loadModel: ${dir} has no ${MODEL_JSON}`);
  const model = await tf.loadLayersModel(fsIOHandler(dir));
  return { model, meta };
}
