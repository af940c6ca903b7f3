// tfjs-layers' Dense routed through GhmDense (dense.ts) while gradients are recorded on wasm
// with ghmkit's kernels: the same layer class, config and weights (models save and load as
// before), the same values bit for bit, a few engine calls instead of a few dozen. Every other
// case (inference, other backends, no bias, activations other than relu and linear, which
// tfjs-layers would not fuse either) runs Dense's own call.
import * as tf from "@tensorflow/tfjs";
import { type DenseAttrs, denseOp } from "./dense";

/** The parts of tfjs-layers' Dense used here (4.22.0; why the version is pinned exactly). */
interface DenseInternals {
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
  activation?: { getClassName(): string };
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
}

let patched = false;

/** Route Dense through GhmDense while `active()` (GhmDense installed on wasm) and gradients are recorded. Idempotent. */
export function fastDenseLayers(active: () => boolean): void {
  if (patched) return;
  const proto = Object.getPrototypeOf(tf.layers.dense({ units: 1 })) as DenseInternals;
  const original = proto.call;
  if (typeof original !== "function" || typeof proto.invokeCallHook !== "function") return;
  patched = true;
  proto.call = function (this: DenseInternals, inputs, kwargs) {
    const engine = tf.engine() as unknown as { backendName: string; state: { gradientDepth: number } };
    // tfjs-core fuses bias and activation only outside gradient recording (other bits): left to
    // Dense, as is everything off wasm; checked first, as inference calls come here too.
    if (engine.state.gradientDepth === 0 || engine.backendName !== "wasm" || !active())
      return original.call(this, inputs, kwargs);
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    const name = this.activation?.getClassName();
    const kernel = this.kernel?.read();
    const bias = this.bias?.read();
    if (
      x === null ||
      x.rank < 2 ||
      x.dtype !== "float32" ||
      kernel === undefined ||
      kernel.rank !== 2 ||
      bias === undefined ||
      bias === null ||
      (name !== "relu" && name !== "linear")
    )
      return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      return denseOp(x, kernel, bias, name as DenseAttrs["activation"]);
    });
  };
}
