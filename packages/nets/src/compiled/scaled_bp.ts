/**
 * BP in the scaled exp domain (as in scaled forward-backward): messages are kept as
 * probabilities-up-to-a-constant, each node divided by its max after every level, so
 * no log or exp is needed between levels. For a product kernel:
 *   up:   s_c(a) = sum_b M_{l,j}[a, b] x_c(b)            (block matrix `up`)
 *         x_p(a) ∝ prod_j s_{m p + j}(a)                   (pooling: product = sum of logs)
 *   down: t_c(a) = w_p(a) prod_{k != j} s_{m p + k}(a)     (siblings via `siblings` maps)
 *         w_c(b) ∝ sum_a M_{l,j}[a, b] t_c(a)              (block matrix `down`)
 *   leaf marginal ∝ x_L(b) w_L(b).
 * The sibling products come from their own block matrices rather than total / own, so a
 * zero message never produces 0/0; for m = 2 the sibling is folded into the downward
 * matrix (`downSwapped`), so the upward sums s are reused as they are. Float32 range limits this form only where the
 * log-domain form is limited too (exp(u - max) underflows the same way), except for a
 * parent whose children disagree by more than ~87 nats, far beyond real evidence.
 */
import { tf } from "@ghmkit/tensor";
import type { ProductBPNet } from "./product_bp";

/** Below this a node's max is treated as 0 (the node's evidence is impossible). */
const TINY = 1e-30;

/** Divide each row (last axis) by its max; rows of zeros stay zeros. */
function normaliseMax(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.reciprocal(tf.maximum(tf.max(x, -1, true), TINY)));
}

/** Divide each row by its sum; rows of zeros (impossible evidence) stay zeros. */
export function normaliseSum(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.reciprocal(tf.maximum(tf.sum(x, -1, true), TINY)));
}

/**
 * Upward pass from leaf messages x_L (`[B, d, S_L]`, each leaf's max 1). Returns x_l
 * (`[B, m^l, S_l]`) for l = 0..L and, with `siblings`, what the downward pass multiplies
 * the parent's message by, `[B * m^(l-1), m, S_{l-1}]` for l = 1..L: the sums s themselves
 * for m = 2 (see downSwapped), the sibling products for m > 2.
 */
export function scaledUpward(
  net: ProductBPNet,
  xL: tf.Tensor3D,
  siblings: boolean,
): { x: tf.Tensor[]; sib: tf.Tensor[] } {
  const { m, L } = net;
  const B = xL.shape[0];
  const x: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
  const sib: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
  x[L] = xL;
  for (let l = L; l >= 1; l--) {
    const lv = net.levels[l - 1];
    const rows = B * m ** (l - 1);
    const grouped = tf.reshape(x[l], [rows, m * lv.Sc]);
    const s = tf.reshape(tf.matMul(grouped, lv.up), [rows, m, lv.Sp]);
    x[l - 1] = tf.reshape(normaliseMax(tf.prod(s, 1)), [B, m ** (l - 1), lv.Sp]);
    if (siblings && lv.downSwapped !== null) {
      sib[l] = s;
    } else if (siblings) {
      let acc: tf.Tensor | null = null;
      for (const R of lv.siblings) {
        const r = tf.matMul(grouped, R);
        acc = acc === null ? r : tf.mul(acc, r);
      }
      sib[l] = tf.reshape(acc as tf.Tensor, [rows, m, lv.Sp]);
    }
  }
  return { x, sib };
}

/** Leaf marginals `[B, d, S_L]` from the upward pass (downward pass from w_0 = pi). */
export function scaledLeafMarginals(net: ProductBPNet, x: tf.Tensor[], sib: tf.Tensor[]): tf.Tensor3D {
  const { m, L } = net;
  const B = x[L].shape[0];
  let w: tf.Tensor = net.pi; // [1, 1, S_0], broadcast over the batch at l = 1
  for (let l = 1; l <= L; l++) {
    const lv = net.levels[l - 1];
    const rows = B * m ** (l - 1);
    const parent = l === 1 ? w : tf.reshape(w, [rows, 1, lv.Sp]);
    const t = tf.reshape(tf.mul(parent, sib[l]), [rows, m * lv.Sp]);
    const down = tf.reshape(tf.matMul(t, lv.downSwapped ?? lv.down), [rows * m, lv.Sc]);
    w = l < L ? normaliseMax(down) : down;
  }
  const belief = tf.mul(x[L], tf.reshape(w, x[L].shape));
  return normaliseSum(belief) as tf.Tensor3D;
}
