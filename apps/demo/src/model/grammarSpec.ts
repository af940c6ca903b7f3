/**
 * The grammars a visitor can pick: a random product grammar (Mei's group) or a Random
 * Hierarchy Model, small enough to draw. A spec is plain data shown in the form, so
 * every grammar on screen can be rebuilt from what the page displays.
 */
import { type Grammar, Rng, randomProductGrammar, randomRhm } from "@ghmkit/ghm";

export type GrammarKind = "rhm" | "product";

export interface GrammarSpec {
  kind: GrammarKind;
  /** L. */
  depth: number;
  /** m. */
  arity: number;
  /** S of levels 1..L. */
  S: number;
  /** C = S_0. */
  classes: number;
  /** RHM: production rules per symbol. */
  k: number;
  /** Product: mixing weight p of the random softmax part. */
  p: number;
  seed: number;
}

/** Drawing limits: 16 leaves of 8 symbols still read at a glance on a laptop screen. */
export const LIMITS = { maxLeaves: 16, maxS: 8, maxClasses: 8, maxDepth: 4, maxArity: 4 } as const;

/** The CLI's default training grammar (train's defaultTrainConfig), so a U-Net it trained fits as is. */
export const DEFAULT_SPEC: GrammarSpec = { kind: "rhm", depth: 3, arity: 2, S: 8, classes: 8, k: 2, p: 0.3, seed: 1 };

/** Throws an Error naming the field and the fix when the spec cannot be built or drawn. */
export function checkSpec(s: GrammarSpec): void {
  const int = (name: keyof GrammarSpec, lo: number, hi: number): void => {
    const v = s[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
      throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  };
  if (s.kind !== "rhm" && s.kind !== "product")
    throw new RangeError(`kind must be "rhm" or "product", got ${JSON.stringify(s.kind)}`);
  int("depth", 1, LIMITS.maxDepth);
  int("arity", 2, LIMITS.maxArity);
  int("S", 2, LIMITS.maxS);
  int("classes", 2, LIMITS.maxClasses);
  int("seed", 0, 2 ** 31 - 1);
  const d = s.arity ** s.depth;
  if (d > LIMITS.maxLeaves)
    throw new RangeError(
      `d = arity^depth = ${s.arity}^${s.depth} = ${d} leaves is too many to draw (at most ${LIMITS.maxLeaves}); lower depth or arity`,
    );
  if (s.kind === "rhm") {
    int("k", 1, s.S ** s.arity);
    const tuples = s.S ** s.arity;
    const need = Math.max(s.classes, s.depth > 1 ? s.S : 0) * s.k;
    if (need > tuples)
      throw new RangeError(
        `k = ${s.k} needs ${need} distinct rule tuples but S^arity = ${tuples} exist; lower k or classes, or raise S`,
      );
  } else if (!(typeof s.p === "number" && s.p >= 0 && s.p <= 1)) {
    throw new RangeError(`p (mixing) must be a number in [0, 1], got ${String(s.p)}`);
  }
}

export function buildGrammar(s: GrammarSpec): Grammar {
  checkSpec(s);
  if (s.kind === "rhm")
    return randomRhm({ S: s.S, classes: s.classes, k: s.k, arity: s.arity, depth: s.depth, seed: s.seed });
  return randomProductGrammar({ depth: s.depth, arity: s.arity, vocab: s.S, classes: s.classes, p: s.p, seed: s.seed });
}

/** A random drawable spec, a function of `seed` alone (the Randomise button steps the seed). */
export function randomSpec(seed: number): GrammarSpec {
  const rng = new Rng(seed);
  const kind: GrammarKind = rng.uniform() < 0.5 ? "rhm" : "product";
  const arity = rng.uniform() < 0.75 ? 2 : 3 + rng.int(2);
  const maxDepth = Math.floor(Math.log(LIMITS.maxLeaves) / Math.log(arity) + 1e-9);
  const depth = Math.max(2, 1 + rng.int(maxDepth));
  const S = 3 + rng.int(LIMITS.maxS - 2);
  const classes = 2 + rng.int(S - 1);
  const tuples = S ** arity;
  const kMax = Math.max(1, Math.min(4, Math.floor(tuples / Math.max(classes, S))));
  const spec: GrammarSpec = {
    kind,
    depth: Math.min(depth, maxDepth),
    arity,
    S,
    classes,
    k: 1 + rng.int(kMax),
    p: Math.round(100 * (0.1 + 0.4 * rng.uniform())) / 100,
    seed,
  };
  checkSpec(spec);
  return spec;
}
