/**
 * The one activation the log-sum-exp ("lse") blocks need beyond the standard tfjs ones:
 * `ghmLog(x) = log(max(x, 1e-30))`, registered with tfjs's serialization map under the
 * class name "ghmLog", so a dense layer can use `activation: "ghmLog"` and a saved model
 * records it as a plain activation name. Loading such a model needs this module to have
 * run (importing @ghmkit/nets does it; a page that loads models with bare tfjs calls
 * `registerNetActivations()` first). The floor keeps log(0) finite (-69): a symbol e^-69
 * times less likely than the best of its node is treated as that unlikely, never as NaN.
 */
import { InputError } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";

/** Floor of ghmLog's input. */
export const LOG_FLOOR = 1e-30;

class GhmLog extends tf.serialization.Serializable {
  static className = "ghmLog";
  override getClassName(): string {
    return GhmLog.className;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.log(tf.maximum(x, LOG_FLOOR)));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

let registered = false;

/** Register "ghmLog" with tfjs (idempotent; runs when @ghmkit/nets is imported). */
export function registerNetActivations(): void {
  if (registered) return;
  tf.serialization.registerClass(
    GhmLog as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
  registered = true;
}

registerNetActivations();

/**
 * "lse-relu" (the ReLU-approximated log-sum-exp blocks): exp and log replaced by
 * one-hidden-layer ReLU nets of W hidden units, the paper's approximation argument,
 * applied channelwise (each is a 1x1 conv 1 -> W -> 1 shared by all channels, with fixed
 * weights: the piecewise-linear interpolant of the function at W + 1 knots, see
 * compiled/scalar_relu.ts). `ghmReluSoftmax{W}(x) = e / sum(e)` with
 * `e = exp_W(clip(x - max x, -R, 0))` (the max subtraction and the division are exact; only
 * exp is approximated), knots equally spaced on [-R, 0]; `ghmReluLog{W}(x) = log_W(x)` on
 * [e^-R, 1] (inputs clipped to it; the blocks' log inputs are sums of softmax masses, <= 1),
 * knots equally spaced in log x. R = APPROX_RANGE = 30. Errors shrink like (R / W)^2.
 *
 * The ReLU net is evaluated in an equivalent O(1)-per-entry form (locate the knot cell,
 * interpolate between its two knot values: the same function as the W-unit net's
 * `f(t_0) + sum_k (f(t_{k+1}) - f(t_k)) clip((x - t_k) / (t_{k+1} - t_k), 0, 1)`), so a
 * `[B, n, W_net]` activation does not become a `[B, n, W_net, W]` tensor. Gradients flow
 * through the interpolation (the slope of the cell), as through the ReLU net.
 *
 * The classes are registered per W (tfjs activations carry no config): the builders call
 * `registerReluActivations(W)`, and `loadModel` does so from ghm-model.json before loading.
 */
export const APPROX_RANGE = 30;

function reluExp(y: tf.Tensor, W: number): tf.Tensor {
  // Knots t_k = -R + k h, h = R / W; values e^{t_k}.
  const h = APPROX_RANGE / W;
  const u = tf.clipByValue(tf.div(tf.add(y, APPROX_RANGE), h), 0, W);
  const k = tf.minimum(tf.floor(u), W - 1);
  const frac = tf.sub(u, k);
  const left = tf.exp(tf.sub(tf.mul(k, h), APPROX_RANGE)); // e^{t_k} (a knot value: exact on the grid)
  return tf.mul(left, tf.add(1, tf.mul(frac, Math.exp(h) - 1)));
}

function reluLog(x: tf.Tensor, W: number): tf.Tensor {
  // Knots t_k = e^{-R + k h}, h = R / W; values -R + k h.
  const h = APPROX_RANGE / W;
  const lo = Math.exp(-APPROX_RANGE);
  const xc = tf.clipByValue(x, lo, 1);
  // Cell index from the knot grid (piecewise constant: floor has zero gradient).
  const k = tf.minimum(tf.maximum(tf.floor(tf.div(tf.add(tf.log(xc), APPROX_RANGE), h)), 0), W - 1);
  const tk = tf.exp(tf.sub(tf.mul(k, h), APPROX_RANGE));
  const frac = tf.clipByValue(tf.div(tf.sub(xc, tk), tf.mul(tk, Math.exp(h) - 1)), 0, 1);
  return tf.add(tf.sub(tf.mul(k, h), APPROX_RANGE), tf.mul(frac, h));
}

const reluRegistered = new Set<number>();

/** Register "ghmReluSoftmax{W}" and "ghmReluLog{W}" with tfjs (idempotent). */
export function registerReluActivations(W: number): void {
  if (!(Number.isInteger(W) && W >= 1))
    throw new InputError("approxWidth", `registerReluActivations: W must be an integer >= 1, got ${W}`);
  if (reluRegistered.has(W)) return;
  class ReluSoftmax extends tf.serialization.Serializable {
    static className = `ghmReluSoftmax${W}`;
    override getClassName(): string {
      return ReluSoftmax.className;
    }
    apply(x: tf.Tensor): tf.Tensor {
      return tf.tidy(() => {
        const e = reluExp(tf.sub(x, tf.max(x, -1, true)), W);
        return tf.div(e, tf.sum(e, -1, true));
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  }
  class ReluLog extends tf.serialization.Serializable {
    static className = `ghmReluLog${W}`;
    override getClassName(): string {
      return ReluLog.className;
    }
    apply(x: tf.Tensor): tf.Tensor {
      return tf.tidy(() => reluLog(x, W));
    }
    override getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  }
  tf.serialization.registerClass(
    ReluSoftmax as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
  tf.serialization.registerClass(
    ReluLog as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
  reluRegistered.add(W);
}
