/**
 * A worker of the data-parallel training step (stepPool.ts): a replica of the network on
 * the same backend, which takes the current weights from shared memory when they changed,
 * writes the gradient of its rows' mean loss into its slot and counts itself done. It
 * never throws out of a job: an error goes to its error port and is counted, so the
 * blocked caller always wakes up.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildModel } from "@ghmkit/nets";
import { initBackend, setGemmFma, setKernelThreads, tf } from "@ghmkit/tensor";
import type { StepJob, StepWorkerInit } from "./stepPool";
import { batchGrads } from "./graphStep";

const init = workerData as StepWorkerInit;
let vars: tf.Variable[] = [];
let model: tf.LayersModel | null = null;
let version = -1;

const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function start(): Promise<void> {
  // Each replica takes one core; kernel threads of its own would contend with the others.
  setKernelThreads(1);
  // The main thread's numerics, whatever GHM_GEMM_FMA says here.
  setGemmFma(init.gemmFma);
  await initBackend(init.backend);
  model = buildModel(init.arch, init.task, init.netConfig);
  vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const mine = vars.map((v) => v.shape.join("x")).join(",");
  const theirs = init.shapes.map((s) => s.join("x")).join(",");
  if (mine !== theirs) throw new Error(`the replica's weights [${mine}] differ from the network's [${theirs}]`);
}

function run(job: StepJob): void {
  const sizes = vars.map((v) => v.size);
  if (job.version !== version) {
    let off = 0;
    vars.forEach((v, i) => {
      // A copy: the cpu backend would keep a view of shared memory that the next step overwrites.
      tf.tidy(() => v.assign(tf.tensor(job.weights.slice(off, off + sizes[i]), v.shape, "float32")));
      off += sizes[i];
    });
    version = job.version;
  }
  const { start: a, end: b, d, S } = job;
  const rows = {
    n: b - a,
    d,
    S,
    input: job.input.slice(a * d * S, b * d * S),
    x: job.x.slice(a * d, b * d),
    y: job.y.slice(a, b),
  };
  tf.tidy(() => {
    const { value, grads } = batchGrads(model!, vars, init.task, rows, init.classes, init.S);
    job.losses[job.slot] = value.dataSync()[0];
    let off = 0;
    grads.forEach((g, i) => {
      job.grads.set(g.dataSync() as Float32Array, off);
      off += sizes[i];
    });
  });
}

parentPort!.on("message", (job: StepJob) => {
  try {
    run(job);
  } catch (err) {
    init.errors.postMessage({ message: text(err) });
    Atomics.add(job.done, 1, 1);
  }
  Atomics.add(job.done, 0, 1);
  Atomics.notify(job.done, 0);
});

start().then(
  () => {
    Atomics.store(init.ready, 0, 1);
    Atomics.notify(init.ready, 0);
  },
  (err: unknown) => {
    init.errors.postMessage({ message: `starting: ${text(err)}` });
    Atomics.store(init.ready, 0, 2);
    Atomics.notify(init.ready, 0);
  },
);
