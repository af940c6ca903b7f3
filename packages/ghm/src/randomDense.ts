/**
 * Random dense grammars: every row K_l(. | a), a distribution over the S_l^m child
 * tuples, is an independent symmetric Dirichlet(concentration) draw (normalised
 * Gamma draws). concentration = 1 is uniform on the simplex; small values give
 * sparse, nearly rule-like kernels; large values nearly uniform ones.
 */
import type { DenseKernel, Grammar } from "./grammar";
import { Rng } from "./rng";
import { requireInt, requireNumber, requireSeed, resolveVocab } from "./checks";
import { dirichletInto } from "./dirichlet";
import { DEFAULT_MAX_ENTRIES, assertGrammarFits, assertKernelFits } from "./size";

export interface RandomDenseOptions {
  depth: number;
  arity: number;
  /** S for levels 1..L, or the list `[S_1, ..., S_L]`. */
  vocab: number | number[];
  /** C = S_0 (default S_1). */
  classes?: number;
  /** Dirichlet concentration > 0 (default 1). */
  concentration?: number;
  seed: number;
  /** Size guard per level and for all levels together, in table entries (default 2^27). */
  maxEntries?: number;
}

/** Random `dense` grammar with a uniform root prior. Same options and seed -> identical grammar. */
export function randomDenseGrammar(o: RandomDenseOptions): Grammar {
  const depth = requireInt("depth", o.depth, 1, 64);
  const m = requireInt("arity", o.arity, 2, 64);
  const vocab = resolveVocab(depth, o.vocab, o.classes);
  const alpha = requireNumber("concentration", o.concentration ?? 1, 0, Infinity, true);
  const rng = new Rng(requireSeed(o.seed));
  for (let l = 1; l <= depth; l++)
    assertKernelFits("dense", l, vocab[l - 1], vocab[l], m, o.maxEntries ?? DEFAULT_MAX_ENTRIES);
  assertGrammarFits({ arity: m, vocab, kinds: new Array(depth).fill("dense") }, o.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const levels: DenseKernel[] = [];
  for (let l = 1; l <= depth; l++) {
    const T = vocab[l] ** m;
    const tensor = new Float64Array(vocab[l - 1] * T);
    for (let a = 0; a < vocab[l - 1]; a++) dirichletInto(rng, T, alpha, tensor, a * T);
    levels.push({ kind: "dense", tensor });
  }
  return { depth, arity: m, vocab, root: new Float64Array(vocab[0]).fill(1 / vocab[0]), levels };
}
