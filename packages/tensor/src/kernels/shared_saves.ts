// The tensors the engine saves for the backward pass, shared without a kernel call. For every
// kernel it records, tfjs-core keeps a clone of each input or output the gradient will read:
// a clone runs the Identity kernel through the whole engine (scopes, profiler hooks, a tape
// node of its own), about 300 calls per d = 64 U-Net training step. With ghmkit's Identity
// installed on wasm a clone only shares the data by reference count (identity.ts), so the
// same tensor is made here directly: a new tensor on the same data, tracked and kept as the
// clone was. The clone's tape node is never on a path from the variables to the loss (nothing
// reads a saved tensor forward), so gradients are unchanged (the same bits, tested). Measured
// 1.085x the d = 64 step and 1.10x the d = 8 step (in-process A/B, alternating blocks, idle).
import * as tf from "@tensorflow/tfjs";

/** The engine internals used here (tfjs-core 4.22.0; why the version is pinned exactly). */
interface EngineInternals {
  backendName: string;
  backend: { incRef(dataId: object): void };
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  makeTensorFromTensorInfo(info: tf.TensorInfo): tf.Tensor;
  keep<T extends tf.Tensor>(t: T): T;
}

let patched = false;

/**
 * Make the engine's saves share data on wasm while `active()` says so (ghmkit's Identity is
 * installed there), and clone as before otherwise. Idempotent.
 */
export function shareSavedTensors(active: () => boolean): void {
  if (patched) return;
  const engine = tf.engine() as unknown as EngineInternals;
  const original = engine.saveTensorsForBackwardMode;
  if (typeof original !== "function" || typeof engine.makeTensorFromTensorInfo !== "function") return;
  patched = true;
  engine.saveTensorsForBackwardMode = function (this: EngineInternals, tensors: tf.Tensor[]): tf.Tensor[] {
    if (this.backendName !== "wasm" || !active()) return original.call(this, tensors);
    return tensors.map((t) => {
      const shared = this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      this.backend.incRef(t.dataId);
      return this.keep(shared);
    });
  };
}
