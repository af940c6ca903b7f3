/**
 * A same-run reference for the training benchmark: the matrix products of one training step
 * of the network (forward x W, input gradients dy W^T, weight gradients x^T dy; float32),
 * timed in numpy (OpenBLAS, its default threads, AVX2/FMA kernels). A PyTorch-CPU step does
 * at least this work in the same BLAS-class kernels, plus its own per-op overhead, so the
 * figure is a floor for any framework's step on this machine at this moment; measured in the
 * same run as ghmkit's step, it moves with the machine (this VM's speed swings by a third
 * between runs), which the recorded PyTorch rate cannot.
 */
import { spawnSync } from "node:child_process";
import type { tf } from "@ghmkit/tensor";
import { numpyUnavailable } from "./bp_numpy";

/** One product of a step: [M, K] x [K, N] (the transposes a step needs cost the same here). */
export interface StepProduct {
  M: number;
  K: number;
  N: number;
}

/**
 * The products of one training step of `model` on batches of `batch` rows: for each dense
 * layer on [batch, n, K] with a [K, N] kernel, x W and x^T dy, and dy W^T except where the
 * layer reads the model's input (no gradient is taken there).
 */
export function stepProducts(model: tf.LayersModel, batch: number): StepProduct[] {
  const inputs = new Set(model.inputs.map((t) => t.name));
  const out: StepProduct[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== "Dense") continue;
    const shape = layer.input as unknown as { shape: (number | null)[] };
    const positions = shape.shape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1);
    const [K, N] = layer.getWeights()[0].shape as [number, number];
    const M = batch * positions;
    out.push({ M, K, N }); // x W
    out.push({ M: K, K: M, N }); // x^T dy
    if (!readsModelInput(layer, inputs)) out.push({ M, K: N, N: K }); // dy W^T
  }
  return out;
}

/** Whether the layer's input is the model's input, through reshapes only. */
function readsModelInput(layer: tf.layers.Layer, inputs: Set<string>): boolean {
  let l: tf.layers.Layer | undefined = layer;
  for (let hops = 0; l !== undefined && hops < 8; hops++) {
    const node: { inboundLayers: tf.layers.Layer[]; inputTensors: { name: string }[] } | undefined = l.inboundNodes[0];
    const from: tf.layers.Layer | undefined = node?.inboundLayers[0];
    if (node === undefined || from === undefined) return false;
    if (from.getClassName() === "InputLayer") return inputs.has(node.inputTensors[0].name);
    if (from.getClassName() !== "Reshape") return false;
    l = from;
  }
  return false;
}

export type GemmFloor =
  | {
      ok: true;
      /** Median over repetitions of the time to run every product of one step once. */
      msPerStep: number;
      /** 1000 / msPerStep: no framework's step on this machine, now, can be faster. */
      stepsPerSec: number;
      /** Multiply-adds of one step's products. */
      macs: number;
      /** numpy's version and BLAS threads (its default). */
      numpy: string;
      threads: number | null;
    }
  | { ok: false; error: string };

const SCRIPT = `import json, sys, time
import numpy as np
spec = json.loads(sys.stdin.read())
rng = np.random.default_rng(0)
ops = []
for p in spec["products"]:
    a = rng.standard_normal((p["M"], p["K"]), dtype=np.float32)
    b = rng.standard_normal((p["K"], p["N"]), dtype=np.float32)
    ops.append((a, b, np.empty((p["M"], p["N"]), dtype=np.float32)))
def step():
    for a, b, c in ops:
        np.matmul(a, b, out=c)
for _ in range(spec["warmup"]):
    step()
ms = []
for _ in range(spec["reps"]):
    t = time.perf_counter(); step(); ms.append((time.perf_counter() - t) * 1000)
threads = None
try:
    from threadpoolctl import threadpool_info
    threads = max(i.get("num_threads", 0) for i in threadpool_info()) or None
except Exception:
    pass
print(json.dumps({"ms": sorted(ms)[len(ms) // 2], "numpy": np.__version__, "threads": threads}))
`;

/** The GEMM floor of a step made of `products`, timed `reps` times after `warmup` untimed runs. */
export function gemmFloor(products: StepProduct[], reps = 15, warmup = 3): GemmFloor {
  const why = numpyUnavailable();
  if (why !== null) return { ok: false, error: why };
  const r = spawnSync("python3", ["-c", SCRIPT], {
    input: JSON.stringify({ products, reps, warmup }),
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) return { ok: false, error: `numpy GEMM floor failed: ${(r.error?.message ?? r.stderr).trim()}` };
  const { ms, numpy, threads } = JSON.parse(r.stdout) as { ms: number; numpy: string; threads: number | null };
  const macs = products.reduce((s, p) => s + p.M * p.K * p.N, 0);
  return { ok: true, msPerStep: ms, stepsPerSec: 1000 / ms, macs, numpy, threads };
}
