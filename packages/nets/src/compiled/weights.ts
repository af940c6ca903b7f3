/**
 * Fixed weights of the BP-compiled networks for a product-kernel grammar.
 *
 * Level l's upward step is a non-overlapping convolution (kernel m, stride m) in the exp
 * domain: grouping each parent's m children as `[m * S_l]` and multiplying by the
 * block-diagonal matrix diag(M_{l,0}^T, ..., M_{l,m-1}^T) gives, per child c = m*p + j,
 * `sum_b M_{l,j}[a, b] x_c(b)` for every parent symbol a. The downward step is the
 * transposed convolution with diag(M_{l,0}, ..., M_{l,m-1}).
 */
import { InputError } from "@ghmkit/ghm";
import type { Grammar, ProductKernel } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";

/** The m+1 block matrices of a level hold (m+1)(m S)^2 floats; refuse more than this. */
export const MAX_BLOCK_ENTRIES = 1 << 24;

export interface LevelWeights {
  /** S_{l-1}: parent vocabulary. */
  Sp: number;
  /** S_l: child vocabulary. */
  Sc: number;
  /** `[m*S_l, m*S_{l-1}]` = diag(M_j^T). */
  up: tf.Tensor2D;
  /** `[m*S_{l-1}, m*S_l]` = diag(M_j). */
  down: tf.Tensor2D;
  /**
   * For m > 2, sibling maps for r = 1..m-1, each `[m*S_l, m*S_{l-1}]`: like `up`, but slot j
   * of the output receives sibling j' = (j + r) mod m's sum `sum_b M_{l,j'}[a, b] x_{j'}(b)`.
   * Empty for m = 2, where the only sibling is the other child and `downSwapped` is used.
   */
  siblings: tf.Tensor2D[];
  /**
   * For m = 2: `down` with its two row blocks exchanged, so that
   * `(w ⊙ [s_0 | s_1]) @ downSwapped = [(w ⊙ s_1) M_0 | (w ⊙ s_0) M_1]`: each child's downward
   * message from its parent times its sibling, with no separate swap. null for m > 2.
   */
  downSwapped: tf.Tensor2D | null;
  /** Largest column sum of the M_{l,j} (bounds the downward exp-domain sums). */
  maxColumnSum: number;
}

export function productKernels(g: Grammar, who: string): ProductKernel[] {
  if (!(Number.isInteger(g.depth) && g.depth >= 1 && Number.isInteger(g.arity) && g.arity >= 2)) {
    throw new InputError(
      "grammar",
      `${who}: grammar depth must be >= 1 and arity >= 2, got depth ${g.depth}, arity ${g.arity}`,
    );
  }
  if (g.vocab.length !== g.depth + 1 || g.levels.length !== g.depth) {
    throw new InputError(
      "grammar",
      `${who}: grammar needs depth+1 vocab sizes and depth levels, got ${g.vocab.length} and ${g.levels.length}`,
    );
  }
  if (g.root.length !== g.vocab[0])
    throw new InputError("grammar", `${who}: root prior has ${g.root.length} entries, expected S_0 = ${g.vocab[0]}`);
  return g.levels.map((k, i) => {
    const l = i + 1;
    if (k.kind !== "product") {
      throw new InputError(
        "grammar",
        `${who}: level ${l} has a "${k.kind}" kernel; BP-compiled networks need product kernels (use @ghmkit/bp runBP for rules/dense)`,
      );
    }
    if (k.matrices.length !== g.arity)
      throw new InputError(
        "grammar",
        `${who}: level ${l} has ${k.matrices.length} matrices, expected arity m = ${g.arity}`,
      );
    const want = g.vocab[l - 1] * g.vocab[l];
    for (let j = 0; j < g.arity; j++) {
      const M = k.matrices[j];
      if (M.length !== want)
        throw new InputError(
          "grammar",
          `${who}: level ${l} matrix ${j} has ${M.length} entries, expected S_${l - 1}*S_${l} = ${want}`,
        );
      for (let t = 0; t < M.length; t++) {
        if (!(M[t] >= 0 && M[t] <= 1))
          throw new InputError("grammar", `${who}: level ${l} matrix ${j} entry ${t} = ${M[t]} is not a probability`);
      }
    }
    return k;
  });
}

/** Build level l's (1-based) block-diagonal weights. */
export function levelWeights(g: Grammar, k: ProductKernel, l: number): LevelWeights {
  const m = g.arity;
  const Sp = g.vocab[l - 1];
  const Sc = g.vocab[l];
  if ((m + 1) * (m * Sp) * (m * Sc) > MAX_BLOCK_ENTRIES) {
    throw new InputError(
      "grammar",
      `compiled BP: level ${l} needs m+1 block matrices of (m*S_${l - 1}) x (m*S_${l}) = ${m * Sp} x ${m * Sc}; too large, use @ghmkit/bp runBP`,
    );
  }
  const up = new Float32Array(m * Sc * m * Sp);
  const down = new Float32Array(m * Sp * m * Sc);
  const rot: Float32Array[] = m === 2 ? [] : Array.from({ length: m - 1 }, () => new Float32Array(m * Sc * m * Sp));
  const swapped = m === 2 ? new Float32Array(m * Sp * m * Sc) : null;
  let maxColumnSum = 0;
  for (let j = 0; j < m; j++) {
    const M = k.matrices[j];
    for (let b = 0; b < Sc; b++) {
      let col = 0;
      for (let a = 0; a < Sp; a++) {
        const v = M[a * Sc + b];
        col += v;
        up[(j * Sc + b) * (m * Sp) + j * Sp + a] = v;
        down[(j * Sp + a) * (m * Sc) + j * Sc + b] = v;
        if (swapped !== null) swapped[((1 - j) * Sp + a) * (m * Sc) + j * Sc + b] = v;
        // Child j is sibling r of slot (j - r) mod m.
        for (let r = 1; r < rot.length + 1; r++) rot[r - 1][(j * Sc + b) * (m * Sp) + ((j - r + m) % m) * Sp + a] = v;
      }
      maxColumnSum = Math.max(maxColumnSum, col);
    }
  }
  return {
    Sp,
    Sc,
    up: tf.tensor2d(up, [m * Sc, m * Sp]),
    down: tf.tensor2d(down, [m * Sp, m * Sc]),
    siblings: rot.map((R) => tf.tensor2d(R, [m * Sc, m * Sp])),
    downSwapped: swapped === null ? null : tf.tensor2d(swapped, [m * Sp, m * Sc]),
    maxColumnSum,
  };
}
