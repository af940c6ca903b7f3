/**
 * Checkpoints: everything needed to continue a run exactly where it stopped.
 *
 *   checkpoints/step-00000128/
 *     model/           nets' saveModel (tfjs model.json + weights.bin + ghm-model.json)
 *     optimizer.json   Adam's scalars and the moment tensors' names, shapes, offsets
 *     optimizer.bin    the moments, float32 little-endian, concatenated
 *     state.json       step, data-stream position and RNG states, early-stopping state
 *   checkpoints/latest.json   {"step": 128, "dir": "step-00000128"}
 *
 * A checkpoint directory is written under a temporary name and renamed into place,
 * and latest.json is replaced atomically after it, so a crash at any moment leaves
 * latest.json pointing at a complete checkpoint.
 */
import { InputError } from "@ghmkit/ghm";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadModel, saveModel } from "@ghmkit/nets";
import type { ModelMeta } from "@ghmkit/nets";
import type { tf } from "@ghmkit/tensor";
import type { AdamState } from "./adam";
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from "@ghmkit/ghm";
import type { BatchStreamState } from "./data";

export const CHECKPOINT_FORMAT = "ghm-train-checkpoint/v1";

/** The loop's own state besides model and optimizer. */
export interface LoopState {
  step: number;
  stream: BatchStreamState;
  /** Best test loss so far (the early-stopping monitor) and its step. */
  best: number | null;
  bestStep: number;
  /** Evaluations since the last improvement. */
  badEvals: number;
  /** Training loss accumulated since the last evaluation (reported as trainLoss). */
  lossSum: number;
  lossCount: number;
  /** Seconds of training before this process (so elapsed time continues across resumes). */
  elapsedS: number;
}

export interface Checkpoint {
  model: tf.LayersModel;
  meta: ModelMeta;
  optimizer: AdamState;
  loop: LoopState;
  dir: string;
}

export function checkpointRoot(outDir: string): string {
  return path.join(outDir, "checkpoints");
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/** Steps at which a checkpoint is written besides the end: 1, 2, 4, 8, ... (log-spaced). */
export function isLogSpacedStep(step: number): boolean {
  return step >= 1 && (step & (step - 1)) === 0;
}

export async function saveCheckpoint(
  outDir: string,
  model: tf.LayersModel,
  meta: ModelMeta,
  optimizer: AdamState,
  loop: LoopState,
): Promise<string> {
  const root = checkpointRoot(outDir);
  fs.mkdirSync(root, { recursive: true });
  const name = checkpointName(loop.step);
  const dir = path.join(root, name);
  await writeDirAtomic(dir, async (tmp) => {
    await saveModel(model, path.join(tmp, "model"), meta);
    let offset = 0;
    const manifest = optimizer.tensors.map((t) => {
      const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
      offset += t.values.length;
      return entry;
    });
    const bin = new Float32Array(offset);
    optimizer.tensors.forEach((t, i) => bin.set(t.values, manifest[i].offset));
    fs.writeFileSync(path.join(tmp, "optimizer.bin"), new Uint8Array(bin.buffer));
    const { tensors: _moments, ...scalars } = optimizer;
    void _moments;
    writeJsonAtomic(path.join(tmp, "optimizer.json"), { ...scalars, tensors: manifest });
    writeJsonAtomic(path.join(tmp, "state.json"), { format: CHECKPOINT_FORMAT, ...loop });
  });
  writeFileAtomic(path.join(root, "latest.json"), `${JSON.stringify({ step: loop.step, dir: name })}\n`);
  return dir;
}

/** The directory latest.json points at, or null when the run has no checkpoint. */
export function latestCheckpoint(outDir: string): string | null {
  const file = path.join(checkpointRoot(outDir), "latest.json");
  if (!fs.existsSync(file)) return null;
  let latest: { dir?: unknown };
  try {
    latest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(
      `${file}`,
      `${file} is not valid JSON (${(err as Error).message}); point it at a checkpoint directory: {"step": N, "dir": "step-0000000N"}`,
    );
  }
  if (typeof latest.dir !== "string") throw new InputError(file, `${file}: field dir must name a checkpoint directory`);
  // Only a checkpoint name inside checkpoints/: never "..", a path or an absolute one.
  if (!/^step-\d{8}$/.test(latest.dir))
    throw new InputError(
      `${file}`,
      `${file}: field dir ${JSON.stringify(latest.dir).slice(0, 80)} is not a checkpoint name (step-NNNNNNNN inside ${checkpointRoot(outDir)})`,
    );
  return path.join(checkpointRoot(outDir), latest.dir);
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * Loads a checkpoint, validated as a whole before anything is allocated: state.json
 * (format, step, stream state), the model directory (nets' loadModel: metadata against
 * manifest and weight bytes), optimizer.json (either no moments or two per trainable
 * weight, each of that weight's shape, contiguous offsets) against optimizer.bin's
 * exact byte size.
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const read = (f: string): unknown => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    } catch (err) {
      throw new InputError(dir, `checkpoint ${dir}: cannot read ${f} (${(err as Error).message})`);
    }
  };
  const state = read("state.json") as LoopState & { format?: unknown };
  if (state === null || typeof state !== "object" || state.format !== CHECKPOINT_FORMAT)
    throw new InputError(
      `${dir}`,
      `checkpoint ${dir}: state.json has format ${JSON.stringify(state?.format)}, expected "${CHECKPOINT_FORMAT}"`,
    );
  if (
    !isCount(state.step) ||
    state.stream === null ||
    typeof state.stream !== "object" ||
    !Number.isFinite(state.elapsedS)
  ) {
    throw new InputError(
      `${dir}`,
      `checkpoint ${dir}: state.json needs an integer step >= 0, a stream object and a finite elapsedS`,
    );
  }
  const { format: _f, ...loop } = state;
  void _f;
  const opt = read("optimizer.json") as Omit<AdamState, "tensors"> & {
    tensors: { name: string; shape: number[]; offset: number; length: number }[];
  };
  if (
    opt === null ||
    typeof opt !== "object" ||
    !isCount(opt.iterations) ||
    !Number.isFinite(opt.accBeta1) ||
    !Number.isFinite(opt.accBeta2) ||
    !Array.isArray(opt.tensors)
  ) {
    throw new InputError(
      `${dir}`,
      `checkpoint ${dir}: optimizer.json needs integer iterations, finite accBeta1/accBeta2 and a tensors list`,
    );
  }
  const { model, meta } = await loadModel(path.join(dir, "model"));
  try {
    const shapes = model.trainableWeights.map((w) => w.shape as number[]);
    if (opt.tensors.length !== 0 && opt.tensors.length !== 2 * shapes.length) {
      throw new InputError(
        `${dir}`,
        `checkpoint ${dir}: optimizer.json lists ${opt.tensors.length} moments, the model needs 0 or ${2 * shapes.length}`,
      );
    }
    let total = 0;
    opt.tensors.forEach((t, i) => {
      const want = shapes[i % shapes.length];
      const ok =
        t !== null &&
        typeof t === "object" &&
        typeof t.name === "string" &&
        Array.isArray(t.shape) &&
        t.shape.join(",") === want.join(",") &&
        t.offset === total &&
        t.length === want.reduce((a, b) => a * b, 1);
      if (!ok)
        throw new InputError(
          `${dir}`,
          `checkpoint ${dir}: optimizer.json moment ${i} (${JSON.stringify(t).slice(0, 100)}) does not match the model's weight ${i % shapes.length} of shape [${want}] at offset ${total}`,
        );
      total += t.length;
    });
    const binFile = path.join(dir, "optimizer.bin");
    const size = fs.statSync(binFile).size;
    if (size !== 4 * total)
      throw new InputError(
        `${dir}`,
        `checkpoint ${dir}: optimizer.bin is ${size} bytes, optimizer.json needs ${4 * total}; the file is ${size < 4 * total ? "truncated" : "too long"}`,
      );
    const buf = fs.readFileSync(binFile);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const tensors = opt.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      values: all.slice(t.offset, t.offset + t.length),
    }));
    return {
      model,
      meta,
      optimizer: { iterations: opt.iterations, accBeta1: opt.accBeta1, accBeta2: opt.accBeta2, tensors },
      loop,
      dir,
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
