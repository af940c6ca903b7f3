import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Arch, type Task, type TrainConfig, makeTrainConfig } from "../config";

/** A configuration small enough for unit tests: RHM S = 4, C = 2, k = 2, m = 2, L = 2 (d = 4), width 8. */
export function tinyConfig(task: Task, arch: Arch, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return makeTrainConfig(task, arch, {
    grammar: { kind: "rhm", S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 7 },
    data: { trainSize: task === "classifier" ? 64 : 0, testSize: 64 },
    evalAbar: task === "denoiser" ? [0.5] : [],
    net: { width: 8, activation: "relu", extraConvs: 0 },
    optimizer: {
      lr: 1e-2,
      schedule: "constant",
      warmupSteps: 0,
      minLrFrac: 0,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    },
    batchSize: 16,
    maxSteps: 8,
    evalEvery: 4,
    ...overrides,
  });
}

const made: string[] = [];

/** A fresh directory under the OS temp dir, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ghm-train-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
