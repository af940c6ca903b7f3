/**
 * Random product grammars in the style of Mei's group: for every level l and
 * child position j,
 *
 *   M_{l,j} = (1 - p) P_{l,j} + p softmax_row(G_{l,j}),   G_ab ~ N(0, scale^2),
 *
 * where P is a 0/1 row-stochastic "permutation" matrix, P[a, sigma(a)] = 1. When
 * S_{l-1} != S_l a permutation does not exist; we use
 *
 *   sigma(a) = tau(pi(a) mod S_l),   pi, tau uniform random permutations of [S_{l-1}], [S_l],
 *
 * which is injective when S_{l-1} <= S_l (a random partial permutation) and
 * surjective, as balanced as possible (each child symbol hit floor or ceil of
 * S_{l-1}/S_l times), when S_{l-1} > S_l. For S_{l-1} = S_l it is a uniform permutation.
 */
import type { Grammar, ProductKernel } from "./grammar";
import { Rng } from "./rng";
import { requireInt, requireNumber, requireSeed, resolveVocab } from "./checks";
import { DEFAULT_MAX_ENTRIES, assertGrammarFits, assertKernelFits } from "./size";

/**
 * Default mixing p = 0.3: each child copies (a permutation of) its parent's symbol
 * with probability >= 0.7, so the root class stays recoverable from the leaves for
 * the depths we use, while every entry of M is positive (every sequence possible).
 */
export const DEFAULT_PRODUCT_MIXING = 0.3;

export interface RandomProductOptions {
  /** L >= 1. */
  depth: number;
  /** m >= 2. */
  arity: number;
  /** S for levels 1..L, or the list `[S_1, ..., S_L]`. */
  vocab: number | number[];
  /** C = S_0 (default S_1). */
  classes?: number;
  /** Mixing weight p in [0, 1] of the random softmax part (default 0.3). */
  p?: number;
  /** Standard deviation of the softmax logits G (default 1). */
  scale?: number;
  seed: number;
  /** Size guard per level and for all levels together, in table entries (default 2^27). */
  maxEntries?: number;
}

/** Random `product` grammar with a uniform root prior. Same options and seed -> identical grammar. */
export function randomProductGrammar(o: RandomProductOptions): Grammar {
  const depth = requireInt("depth", o.depth, 1, 64);
  const m = requireInt("arity", o.arity, 2, 2 ** 31 - 1);
  const vocab = resolveVocab(depth, o.vocab, o.classes);
  const p = requireNumber("p (mixing)", o.p ?? DEFAULT_PRODUCT_MIXING, 0, 1);
  const scale = requireNumber("scale", o.scale ?? 1, 0, Infinity);
  const rng = new Rng(requireSeed(o.seed));
  for (let l = 1; l <= depth; l++)
    assertKernelFits("product", l, vocab[l - 1], vocab[l], m, o.maxEntries ?? DEFAULT_MAX_ENTRIES);
  assertGrammarFits({ arity: m, vocab, kinds: new Array(depth).fill("product") }, o.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const levels: ProductKernel[] = [];
  for (let l = 1; l <= depth; l++) {
    const matrices: Float64Array[] = [];
    for (let j = 0; j < m; j++) matrices.push(mixedPermutation(rng, vocab[l - 1], vocab[l], p, scale));
    levels.push({ kind: "product", matrices });
  }
  return { depth, arity: m, vocab, root: new Float64Array(vocab[0]).fill(1 / vocab[0]), levels };
}

function mixedPermutation(rng: Rng, sParent: number, sChild: number, p: number, scale: number): Float64Array {
  const pi = rng.shuffle(Array.from({ length: sParent }, (_, i) => i));
  const tau = rng.shuffle(Array.from({ length: sChild }, (_, i) => i));
  const M = new Float64Array(sParent * sChild);
  for (let a = 0; a < sParent; a++) {
    const row = a * sChild;
    let max = -Infinity;
    for (let b = 0; b < sChild; b++) {
      const g = scale * rng.normal();
      M[row + b] = g;
      if (g > max) max = g;
    }
    let total = 0;
    for (let b = 0; b < sChild; b++) {
      const v = Math.exp(M[row + b] - max);
      M[row + b] = v;
      total += v;
    }
    for (let b = 0; b < sChild; b++) M[row + b] = (p * M[row + b]) / total;
    M[row + tau[pi[a] % sChild]] += 1 - p;
  }
  return M;
}
