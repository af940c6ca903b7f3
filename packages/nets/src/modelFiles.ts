/**
 * The files of a model directory and the checks on them that need no file system, shared
 * by Node's saveModel/loadModel (src/save.ts) and a browser loading the same directory.
 */
import type { Arch, NetConfig, Task } from "./config";

/** The standard TensorFlow.js layers files: topology + weights manifest, and the weights. */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";
/** ghmkit's own file beside them: architecture, task, config and caller metadata. */
export const META_JSON = "ghm-model.json";
export const META_FORMAT = "ghm-model/v1";

export interface ModelMeta {
  arch: Arch;
  task: Task;
  config: NetConfig;
  /** Anything else the caller wants kept with the model (training run, data seed, ...). */
  extra?: Record<string, unknown>;
}

/** model.json larger than this is refused before it is parsed (a saved model's is a few KiB). */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Why `p` (a weights path from model.json) is not a plain relative file name inside
 * the model directory, or null when it is.
 */
export function unsafeWeightsPath(p: unknown): string | null {
  if (typeof p !== "string" || p === "") return "is not a file name";
  if (p.includes("\0") || p.includes("\\")) return "holds a NUL or backslash";
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return "is an absolute path";
  if (p.split("/").some((seg) => seg === ".." || seg === "." || seg === ""))
    return "leaves the model directory (.. or empty segments)";
  if (/^[a-z]+:\/\//i.test(p)) return "is a URL";
  return null;
}
