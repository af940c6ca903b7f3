/**
 * A model.json from a URL or a file is untrusted: its weightsManifest may name
 * weight files outside the model (`../other/weights.bin`, another origin). The
 * browser loader checks every path before TensorFlow.js fetches anything: plain
 * relative names (nets' `unsafeWeightsPath`) that resolve under the model's URL.
 */
import { MAX_MODEL_JSON_BYTES, unsafeWeightsPath } from "@ghmkit/nets";

/** Throws naming the first weight path that would leave the directory of `modelUrl`. */
export function checkWeightsManifest(modelJson: unknown, modelUrl: string): void {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${modelUrl}: no weightsManifest (not a TensorFlow.js layers model)`);
  const dir = new URL(".", modelUrl).href;
  for (const group of manifest) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(paths)) throw new Error(`${modelUrl}: a weightsManifest group has no paths`);
    for (const p of paths) {
      const why = unsafeWeightsPath(p);
      if (why !== null)
        throw new Error(
          `${modelUrl}: weights path ${JSON.stringify(p)} ${why}; a model's weights must be files beside its model.json`,
        );
      const resolved = new URL(p as string, dir).href;
      if (!resolved.startsWith(dir))
        throw new Error(`${modelUrl}: weights path ${JSON.stringify(p)} resolves to ${resolved}, outside ${dir}`);
    }
  }
}

/** Parses a model.json text, refusing one too large to be a saved model's. */
export function parseModelJson(text: string, where: string): unknown {
  if (text.length > MAX_MODEL_JSON_BYTES)
    throw new Error(
      `${where}: ${text.length} bytes is larger than any saved model.json (limit ${MAX_MODEL_JSON_BYTES})`,
    );
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
