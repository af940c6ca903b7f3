/**
 * A `tf.io.IOHandler` over the Node file system that reads and writes the standard
 * TensorFlow.js layers format: `model.json` (topology + weights manifest) and one
 * `weights.bin`. A browser loads the same directory with
 * `tf.loadLayersModel(url + "/model.json")`. Node's fs is required lazily, so importing
 * this package in a browser bundle costs nothing until a handler is used.
 */
import { InputError } from "@ghmkit/ghm";
import type * as FS from "node:fs/promises";
import type * as PATH from "node:path";
import { tf } from "@ghmkit/tensor";
import { MODEL_JSON, WEIGHTS_BIN } from "./modelFiles";

function node(): { fs: typeof FS; path: typeof PATH } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { fs: require("node:fs/promises") as typeof FS, path: require("node:path") as typeof PATH };
}

/** IOHandler saving into / loading from directory `dir` (created on save). */
export function fsIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const { fs, path } = node();
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error("fsIOHandler: binary (graph-model) topologies are not supported; save a LayersModel");
      }
      await fs.mkdir(dir, { recursive: true });
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) modelJSON.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      await fs.writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const { fs, path } = node();
      const file = path.join(dir, MODEL_JSON);
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
      } catch (err) {
        throw new InputError(
          `${file}`,
          `fsIOHandler: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      if (modelJSON === null || typeof modelJSON !== "object" || modelJSON.modelTopology == null) {
        throw new InputError(
          `${file}`,
          `fsIOHandler: ${file} has no modelTopology; is it a TensorFlow.js layers model.json?`,
        );
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            // Weight files are plain names inside `dir`: never `..`, an absolute path or a URL.
            if (
              typeof p !== "string" ||
              p === "" ||
              p.startsWith("/") ||
              p.includes("\\") ||
              /^[A-Za-z]:/.test(p) ||
              p.split("/").some((s) => s === ".." || s === "." || s === "")
            ) {
              throw new InputError(
                `${file}`,
                `fsIOHandler: ${file} lists weights file ${JSON.stringify(p)} outside the model directory; refusing to read it`,
              );
            }
            const bytes = await fs.readFile(path.join(dir, p));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
