// The operand shapes the heap GEMMs (gemmNN, gemmTN) take: two float32 tensors whose last two
// axes are the matrices and whose leading axes are the same batch (or one side has none).
import * as tf from "@tensorflow/tfjs";

export interface GemmOperands {
  /** The last two dimensions of a and of b. */
  a2: [number, number];
  b2: [number, number];
  /** Matrices per operand, and the output's leading (batch) dimensions. */
  n: number;
  batch: number[];
}

/** a and b as batched float32 matrices, or null for other dtypes or batch dims that differ. */
export function gemmOperands(a: tf.TensorInfo, b: tf.TensorInfo): GemmOperands | null {
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = tf.util.sizeFromShape(batchA);
  const nB = tf.util.sizeFromShape(batchB);
  if (nA !== nB || (nA > 1 && !tf.util.arraysEqual(batchA, batchB))) return null;
  return {
    a2: a.shape.slice(ra - 2) as [number, number],
    b2: b.shape.slice(rb - 2) as [number, number],
    n: nA,
    batch: nA > 1 ? batchA : ra > rb ? batchA : batchB,
  };
}
