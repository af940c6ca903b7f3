/**
 * The loss `ghm train` minimises on the rows of a batch, shared by the step on this
 * thread and by the step's worker threads (stepWorker.ts), so both build the very same ops.
 */
import { tf } from "@ghmkit/tensor";
import type { Task } from "./config";
import type { Batch } from "./data";

/** Mean over rows (and leaves) of -log softmax(logits)[target]; target is one-hot. */
export function softmaxCrossEntropy(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const logp = tf.sub(logits, tf.logSumExp(logits, -1, true));
  return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1))) as tf.Scalar;
}

/**
 * The batch's loss as a function of the model's weights (for tf.variableGrads or
 * optimizer.minimize): cross-entropy against the clean symbols (denoiser, S of them)
 * or the class (classifier, `classes` of them). Call inside tf.tidy.
 */
export function batchLoss(
  model: tf.LayersModel,
  task: Task,
  batch: Batch,
  classes: number,
  S: number,
): () => tf.Scalar {
  const input = tf.tensor3d(batch.input, [batch.n, batch.d, batch.S]);
  const target = batchTarget(task, batch, classes, S);
  return () => softmaxCrossEntropy(model.apply(input, { training: true }) as tf.Tensor, target);
}

/** The one-hot targets of batchLoss: the class (classifier) or each clean leaf (denoiser). */
export function batchTarget(task: Task, batch: Batch, classes: number, S: number): tf.Tensor {
  return task === "classifier"
    ? tf.oneHot(tf.tensor1d(batch.y, "int32"), classes)
    : tf.oneHot(tf.tensor2d(batch.x, [batch.n, batch.d], "int32"), S);
}

/** Rows [start, end) of a batch, as views (no copy). */
export function batchRows(b: Batch, start: number, end: number): Batch {
  const { d, S } = b;
  return {
    n: end - start,
    d,
    S,
    input: b.input.subarray(start * d * S, end * d * S),
    x: b.x.subarray(start * d, end * d),
    y: b.y.subarray(start, end),
  };
}
