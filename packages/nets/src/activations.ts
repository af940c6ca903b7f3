/**
 * The one activation the log-sum-exp ("lse") blocks need beyond the standard tfjs ones:
 * `ghmLog(x) = log(max(x, 1e-30))`, registered with tfjs's serialization map under the
 * class name "ghmLog", so a dense layer can use `activation: "ghmLog"` and a saved model
 * records it as a plain activation name. Loading such a model needs this module to have
 * run (importing @ghmkit/nets does it; a page that loads models with bare tfjs calls
 * `registerNetActivations()` first). The floor keeps log(0) finite (-69): a symbol e^-69
 * times less likely than the best of its node is treated as that unlikely, never as NaN.
 */
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
  tf.serialization.registerClass(GhmLog as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  registered = true;
}

registerNetActivations();
