/**
 * The Random Hierarchy Model (Cagnetta, Petrini, Tomasini, Favero, Wyart 2024) as
 * a `rules` grammar. Every symbol of level l-1 gets k production rules, each an
 * m-tuple over [S] with probability 1/k. At each level the tuples of all parents
 * together are drawn uniformly WITHOUT replacement from [S]^m, so no tuple is
 * produced by two symbols (the grammar is unambiguous), as in the reference code
 * (`random.sample(tuples, n * k)` per level). Name map: v = S, n_c = C, m (their
 * synonyms) = k, s (their tuple size) = arity, L = depth.
 */
import { InputError } from "./inputError";
import type { Grammar, Rule, RulesKernel } from "./grammar";
import { Rng } from "./rng";
import { requireInt, requireSeed } from "./checks";
import { DEFAULT_MAX_ENTRIES } from "./size";

export interface RandomRhmOptions {
  /** Vocabulary size v = S of levels 1..L. */
  S: number;
  /** Number of classes n_c = C = S_0. */
  classes: number;
  /** Production rules per symbol (the RHM's "m", number of synonyms). */
  k: number;
  /** Tuple size (the RHM's "s"), our m. */
  arity: number;
  /** L. */
  depth: number;
  seed: number;
}

/** Random RHM with a uniform root prior; vocab `[C, S, ..., S]`. Same options and seed -> identical grammar. */
export function randomRhm(o: RandomRhmOptions): Grammar {
  const depth = requireInt("depth", o.depth, 1, 64);
  const m = requireInt("arity", o.arity, 2, 64);
  const S = requireInt("S", o.S, 1, 2 ** 31 - 1);
  const C = requireInt("classes", o.classes, 1, 2 ** 31 - 1);
  const k = requireInt("k", o.k, 1, 2 ** 31 - 1);
  const tuples = S ** m;
  if (tuples > Number.MAX_SAFE_INTEGER)
    throw new InputError("S", `S^arity = ${S}^${m} exceeds 2^53 tuples`, "use a smaller S or arity");
  if (C * k > tuples)
    throw new InputError(
      "k",
      `impossible RHM: level 1 needs classes * k = ${C} * ${k} = ${C * k} distinct tuples, but only S^arity = ${S}^${m} = ${tuples} exist`,
      "lower classes or k, or raise S or arity",
    );
  if (depth > 1 && S * k > tuples)
    throw new InputError(
      "k",
      `impossible RHM: levels 2..L need S * k = ${S} * ${k} = ${S * k} distinct tuples, but only S^arity = ${S}^${m} = ${tuples} exist`,
      "lower k, or raise S or arity",
    );
  const stored = (C + S * (depth - 1)) * k * m;
  if (stored > DEFAULT_MAX_ENTRIES)
    throw new InputError(
      "S",
      `RHM would store (classes + S * (depth - 1)) * k * arity = ${stored} child symbols, above the limit of ${DEFAULT_MAX_ENTRIES}`,
      "lower S, k or depth",
    );

  const rng = new Rng(requireSeed(o.seed));
  const levels: RulesKernel[] = [];
  for (let l = 1; l <= depth; l++) {
    const parents = l === 1 ? C : S;
    const drawn = distinctIndices(rng, parents * k, tuples);
    const rules: Rule[][] = [];
    for (let a = 0; a < parents; a++) {
      // Sorted within a parent so a grammar file reads in a canonical order; which tuples a parent gets stays random.
      const mine = drawn.slice(a * k, (a + 1) * k).sort((x, y) => x - y);
      rules.push(mine.map((t) => ({ children: tupleOf(t, S, m), p: 1 / k })));
    }
    levels.push({ kind: "rules", rules });
  }
  const vocab = [C, ...new Array<number>(depth).fill(S)];
  return { depth, arity: m, vocab, root: new Float64Array(C).fill(1 / C), levels };
}

/** n distinct uniform indices from [0, N), in random order: a Fisher-Yates shuffle of a virtual array, O(n) memory. */
function distinctIndices(rng: Rng, n: number, N: number): number[] {
  const moved = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(N - i);
    const vj = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out.push(vj);
  }
  return out;
}

/** Tuple with index t = sum_j b_j S^(m-1-j) (the dense tensor's ordering). */
function tupleOf(t: number, S: number, m: number): number[] {
  const b = new Array<number>(m);
  for (let j = m - 1; j >= 0; j--) {
    b[j] = t % S;
    t = Math.floor(t / S);
  }
  return b;
}
