/**
 * ghm-model.json, the file beside a saved tfjs model that says what network it is
 * (architecture, task, net config) and carries the caller's metadata (`extra`: the
 * training run, the grammar, the diffusion spec). The one reader and writer of its
 * text: pure and browser-safe (no file system, no tensors), so nets' saveModel and
 * loadModel (Node) and the demo's loader (browser) parse and check it the same way.
 */
import { InputError } from "@ghmkit/ghm";
import { type Arch, type NetConfig, type Task, validateArchTask, validateConfig } from "./config";
import { findArchitecture } from "./registry";

export const META_JSON = "ghm-model.json";
/**
 * The grammar a model directory may carry beside its weights (ghm/v1; `ghm compile`
 * writes the one the network was compiled from, so that a moved directory still knows it).
 */
export const MODEL_GRAMMAR_JSON = "grammar.json";
export const META_FORMAT = "ghm-model/v1";

/** ghm-model.json larger than this is refused before it is parsed (a saved one is a few KiB, a grammar in extra included). */
export const MAX_META_JSON_BYTES = 16 * 1024 * 1024;

export interface ModelMeta {
  arch: Arch;
  task: Task;
  config: NetConfig;
  /** Anything else the caller wants kept with the model (training run, data seed, ...). */
  extra?: Record<string, unknown>;
  /**
   * The plugin that registers `arch` (module path or package name, as the user gave it)
   * when it is not a built-in. Written from the registry when the meta does not say;
   * a reader without that architecture registered is told which plugin to load.
   */
  plugin?: string;
}

/** Throws an InputError (field `where`) unless `meta` names an architecture, a task it serves, and a valid config. */
export function checkModelMeta(meta: ModelMeta, where: string): void {
  if (meta === null || typeof meta !== "object")
    throw new InputError(where, "meta must be an object {arch, task, config}");
  try {
    validateArchTask(meta.arch, meta.task);
    validateConfig(meta.config);
  } catch (err) {
    throw new InputError(where, err instanceof Error ? err.message : String(err));
  }
  const extra: unknown = meta.extra;
  if (extra !== undefined && (extra === null || typeof extra !== "object" || Array.isArray(extra)))
    throw new InputError(`${where}: extra`, `must be an object, got ${JSON.stringify(extra)}`);
}

/** The text of ghm-model.json for `meta` (checked first; `where` names the caller in errors). */
export function modelMetaJson(meta: ModelMeta, where = "model meta"): string {
  checkModelMeta(meta, where);
  const plugin = meta.plugin ?? findArchitecture(meta.arch)?.plugin;
  const body = {
    format: META_FORMAT,
    arch: meta.arch,
    task: meta.task,
    config: meta.config,
    extra: meta.extra ?? {},
    ...(plugin === undefined ? {} : { plugin }),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * Parse and check the text of a ghm-model.json (`where` names it in errors: a path or
 * URL). Refuses text that is not JSON, another format, an unknown architecture or task,
 * an architecture that does not serve the task, or a config nets cannot build.
 */
export function parseModelMeta(text: string, where: string): ModelMeta {
  if (text.length > MAX_META_JSON_BYTES)
    throw new InputError(where, `${text.length} bytes is larger than any ${META_JSON} (limit ${MAX_META_JSON_BYTES})`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(where, `is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const obj = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (obj?.format !== META_FORMAT)
    throw new InputError(
      where,
      `has format ${JSON.stringify(obj?.format)}, expected "${META_FORMAT}"`,
      `is it the ${META_JSON} of a model saved by ghmkit (nets' saveModel, ghm train, ghm compile)?`,
    );
  const meta: ModelMeta = {
    arch: obj.arch as Arch,
    task: obj.task as Task,
    config: obj.config as NetConfig,
    extra: (obj.extra ?? {}) as Record<string, unknown>,
    ...(typeof obj.plugin === "string" ? { plugin: obj.plugin } : {}),
  };
  if (typeof meta.arch === "string" && findArchitecture(meta.arch) === undefined && meta.plugin !== undefined)
    throw new InputError(
      `${where}: arch`,
      `the model uses architecture ${meta.arch} from plugin ${meta.plugin}`,
      `pass --plugin ${meta.plugin}; a library registers it with registerArchitecture before loading`,
    );
  checkModelMeta(meta, where);

  return meta;
}
