// Adam with the per-variable update fused into one kernel (kernels/adam_update.ts) where
// the active backend has it (wasm), bit-identical to tf.train.adam; elsewhere tf.train.adam itself. It *is* an
// AdamOptimizer: same className, config, getWeights/setWeights format, so checkpoints
// and serialisation are interchangeable with the stock optimizer.
import { InputError } from "@ghmkit/ghm";
import { tf } from "./backendCore";
import { ADAM_UPDATE, type AdamUpdateAttrs } from "./kernels/adam_update";

interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's private state (tfjs-core 4.22.0; the version is pinned for this). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: SlotVariable[];
  accumulatedSecondMoment: SlotVariable[];
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * accBeta1 and accBeta2 as float32 values, mirrored on the host so that a step reads
   * nothing back from the backend; null until the first step and after setWeights
   * (re-read once from the variables then).
   */
  private acc: [number, number] | null = null;

  override async setWeights(weightValues: Parameters<tf.AdamOptimizer["setWeights"]>[0]): Promise<void> {
    this.acc = null;
    await super.setWeights(weightValues);
  }

  /** Forget the host copy of accBeta1/accBeta2 after assigning those variables directly. */
  protected accumulatorsChanged(): void {
    this.acc = null;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    this.acc ??= [self.accBeta1.dataSync()[0], self.accBeta2.dataSync()[0]];
    const [acc1, acc2] = this.acc;
    const attrs: AdamUpdateAttrs = {
      learningRate: self.learningRate,
      beta1: self.beta1,
      beta2: self.beta2,
      epsilon: self.epsilon,
      oneMinusAccBeta1: Math.fround(1 - acc1),
      oneMinusAccBeta2: Math.fround(1 - acc2),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        const slot = (list: SlotVariable[], suffix: string): tf.Variable => {
          if (list[i] == null) {
            list[i] = {
              originalName: `${name}/${suffix}`,
              variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
            };
          }
          return list[i].variable;
        };
        const m = slot(self.accumulatedFirstMoment, "m");
        const v = slot(self.accumulatedSecondMoment, "v");
        const grad = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (grad == null) return;
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(ADAM_UPDATE, { value, m, v, grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      // As tf.mul(accBeta, beta) in float32, computed here and uploaded (no read-back).
      this.acc = [Math.fround(acc1 * Math.fround(self.beta1)), Math.fround(acc2 * Math.fround(self.beta2))];
      self.accBeta1.assign(tf.scalar(this.acc[0]));
      self.accBeta2.assign(tf.scalar(this.acc[1]));
    });
    this.incrementIterations();
  }
}

/** Like tf.train.adam (same defaults), fused on wasm. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  for (const [name, x] of Object.entries({ learningRate, beta1, beta2 })) {
    if (!Number.isFinite(x) || x < 0) throw new InputError(name, `adam: must be a finite number >= 0, got ${x}`);
  }
  if (beta1 >= 1 || beta2 >= 1)
    throw new InputError(beta1 >= 1 ? "beta1" : "beta2", `adam: beta1 and beta2 must be < 1, got ${beta1}, ${beta2}`);

  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
