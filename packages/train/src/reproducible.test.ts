import * as path from "node:path";
import { gemmFmaAvailable, initBackend, setGemmFma } from "@ghmkit/tensor";
import { type Arch, type Task, makeTrainConfig } from "./config";
import { readMetrics } from "./metricsLog";
import { type EvalRecord, trainRun } from "./trainer";
import { removeTempDirs, tempDir } from "./testing/tiny";

afterAll(removeTempDirs);

beforeAll(async () => {
  // The recorded values below are wasm's (another backend's kernels round differently).
  await initBackend("wasm");
});

function config(task: Task, arch: Arch) {
  return makeTrainConfig(task, arch, {
    grammar: { kind: "rhm", S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 7 },
    data: { trainSize: task === "classifier" ? 64 : 0, testSize: 32 },
    evalAbar: task === "denoiser" ? [0.5] : [],
    net: { width: 8, activation: "relu", extraConvs: 1 },
    batchSize: 8,
    maxSteps: 6,
    evalEvery: 3,
  });
}

async function losses(task: Task, arch: Arch) {
  const dir = tempDir(`repro-${task}`);
  await trainRun(config(task, arch), { outDir: dir });
  return readMetrics<EvalRecord>(path.join(dir, "metrics.jsonl")).map((l) => [l.step, l.trainLoss, l.testLoss]);
}

/**
 * [step, trainLoss, testLoss] of these runs as logged by the code before the training
 * step's performance work (commit f1151b7: stock tf.train.adam, batches built through
 * observe + evidenceToNetInput, stock wasm Equal). The fused Adam, the one-pass batch
 * input and the broadcasting Equal kernel compute the same float32 operations in the
 * same order, so every digit must still match.
 */
const BEFORE = {
  denoiser: [
    [3, 1.3792280753453572, 0.745930276408329],
    [6, 1.3783987363179524, 0.7454444147485688],
  ],
  classifier: [
    [3, 0.6970895926157633, 0.6925293396940506],
    [6, 0.7163201173146566, 0.6923357278447339],
  ],
};

/**
 * The same runs with tensor's fused multiply-add in the matrix products (setGemmFma(true),
 * initBackend's default where the CPU fuses): each multiply-add rounded once, so other
 * digits, recorded when it landed (x86-64 with FMA, Node 20).
 */
const FUSED = {
  denoiser: [
    [3, 1.3792280753453572, 0.745930276277461],
    [6, 1.3783987760543823, 0.7454444147990916],
  ],
  classifier: [
    [3, 0.6970895926157633, 0.6925293396977139],
    [6, 0.7163201173146566, 0.6923357276193384],
  ],
};

describe("training is reproducible from its seeds", () => {
  afterAll(() => {
    setGemmFma("auto");
  });

  test.each([
    ["denoiser", "unet"],
    ["classifier", "convnet"],
  ] as [Task, Arch][])(
    "%s (%s): two runs with the same seeds log identical losses, equal to the pre-change ones (plain and fused multiply-add)",
    async (task, arch) => {
      setGemmFma(false);
      const a = await losses(task, arch);
      const b = await losses(task, arch);
      expect(b).toEqual(a);
      expect(a).toEqual(BEFORE[task]);
      // Fused where this machine fuses (elsewhere setGemmFma(true) throws, tested in @ghmkit/tensor).
      if (!gemmFmaAvailable()) return;
      setGemmFma(true);
      const c = await losses(task, arch);
      const d = await losses(task, arch);
      expect(d).toEqual(c);
      expect(c).toEqual(FUSED[task]);
    },
  );
});
