/**
 * The standard TensorFlow.js files of a model directory and the checks on them that need
 * no file system, shared by Node's saveModel/loadModel (src/save.ts) and a browser loading
 * the same directory. ghmkit's own ghm-model.json beside them is modelMeta.ts's.
 */

/** Topology + weights manifest, and the weights. */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

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
