/**
 * In-memory form of a generative hierarchical model (SPEC.md section 1).
 *
 * Probabilities are held in flat row-major Float64Arrays, because BP and the
 * sampler index them in tight loops; the ghm/v1 JSON form (nested arrays) is
 * converted at the file boundary (see format.ts).
 */

/** `K_l(b | a) = prod_j M_{l,j}[a, b_j]`: children independent given the parent. */
export interface ProductKernel {
  kind: "product";
  /** m matrices M_{l,j}, each row-major `[S_{l-1} x S_l]`: `M[a, b] = matrices[j][a * S_l + b]`. */
  matrices: Float64Array[];
}

/** One production `a -> (b_0..b_{m-1})` with probability p. */
export interface Rule {
  children: number[];
  p: number;
}

/** Sparse productions; the Random Hierarchy Model is this kind. */
export interface RulesKernel {
  kind: "rules";
  /** `rules[a]` lists parent symbol a's productions (probabilities sum to 1). */
  rules: Rule[][];
}

/** The full table `K_l(b_0..b_{m-1} | a)` (small S and m only). */
export interface DenseKernel {
  kind: "dense";
  /**
   * Row-major `[S_{l-1}, S_l, ..., S_l]` (m child axes): the entry for parent a and
   * children b is at `a * S_l^m + sum_j b_j * S_l^(m-1-j)`.
   */
  tensor: Float64Array;
}

export type Kernel = ProductKernel | RulesKernel | DenseKernel;
export type KernelKind = Kernel["kind"];

export interface Grammar {
  /** L >= 1: number of levels below the root. */
  depth: number;
  /** m >= 2: children per node. */
  arity: number;
  /** `[S_0, ..., S_L]`; S_0 = C is the number of classes. */
  vocab: number[];
  /** Root prior pi over `[S_0]`. */
  root: Float64Array;
  /** `levels[l - 1]` is the kernel K_l that generates level l from level l-1, l = 1..L. */
  levels: Kernel[];
}

/** d = m^L, the number of leaves. */
export function leafCount(g: Pick<Grammar, "depth" | "arity">): number {
  return g.arity ** g.depth;
}

/** Number of nodes m^l at level l. */
export function nodeCount(g: Pick<Grammar, "arity">, level: number): number {
  return g.arity ** level;
}

/** Number of classes C = S_0. */
export function classCount(g: Pick<Grammar, "vocab">): number {
  return g.vocab[0];
}
