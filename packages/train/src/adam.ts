/**
 * Adam whose learning rate follows a schedule, and whose whole state (moments,
 * step count, bias-correction accumulators) can be saved and restored bit for bit.
 * The update is tensor's FusedAdamOptimizer: one kernel per variable on wasm,
 * bit-identical to tf.train.adam (stock tfjs Adam on every other backend).
 */
import { FusedAdamOptimizer, tf } from "@ghmkit/tensor";

/** Saved optimizer state: named float32 tensors in order, plus the exact scalars. */
export interface AdamState {
  iterations: number;
  /** beta1^(t+1) and beta2^(t+1) as accumulated in float32 by the optimizer (recomputing them by pow would differ in the last bit). */
  accBeta1: number;
  accBeta2: number;
  /** First moments then second moments, one per trainable weight, in the model's weight order. */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

export class ScheduledAdam extends FusedAdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  // tfjs keeps the bias-correction accumulators private; they are part of the exact state.
  private internals(): AdamInternals {
    return this as unknown as AdamInternals;
  }

  async saveState(): Promise<AdamState> {
    const weights = await this.getWeights();
    const [iter, ...moments] = weights;
    const tensors = moments.map((w) => ({
      name: w.name,
      shape: w.tensor.shape.slice(),
      values: Float32Array.from(w.tensor.dataSync()),
    }));
    const { accBeta1, accBeta2 } = this.internals();
    const state = {
      iterations: iter.tensor.dataSync()[0],
      accBeta1: accBeta1.dataSync()[0],
      accBeta2: accBeta2.dataSync()[0],
      tensors,
    };
    iter.tensor.dispose(); // saveIterations() made a fresh scalar; the moments are the optimizer's own variables
    return state;
  }

  /** Restores a state saved by saveState(); `shapes` are the model's trainable weight shapes, checked in order. */
  async loadState(state: AdamState, shapes: number[][]): Promise<void> {
    if (state.tensors.length !== 0 && state.tensors.length !== 2 * shapes.length) {
      throw new Error(
        `optimizer state holds ${state.tensors.length} moment tensors; the model needs 2 x ${shapes.length}; the checkpoint belongs to another architecture`,
      );
    }
    state.tensors.forEach((t, i) => {
      const want = shapes[i % shapes.length];
      if (t.shape.join(",") !== want.join(",")) {
        throw new Error(
          `optimizer moment ${t.name} has shape [${t.shape}], the model's weight ${i % shapes.length} has [${want}]; the checkpoint belongs to another architecture`,
        );
      }
    });
    const named = [{ name: "iter", tensor: tf.scalar(state.iterations, "int32") as tf.Tensor }].concat(
      state.tensors.map((t) => ({ name: t.name, tensor: tf.tensor(t.values, t.shape, "float32") })),
    );
    await this.setWeights(named);
    named.forEach((n) => n.tensor.dispose());
    const { accBeta1, accBeta2 } = this.internals();
    tf.tidy(() => {
      accBeta1.assign(tf.scalar(state.accBeta1));
      accBeta2.assign(tf.scalar(state.accBeta2));
    });
    this.accumulatorsChanged();
  }
}
