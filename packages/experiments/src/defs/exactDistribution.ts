/**
 * The exact sentence distribution p(x) of a GHM, and distances of generated samples to it.
 *
 * - `enumerateSentences(g)`: every sentence with p(x) > 0 and its probability, by
 *   expanding every tree top-down (trees giving the same leaves are summed, so
 *   ambiguous grammars are exact too); null when the grammar has more trees than the limit.
 * - `treeEntropy(g)`: H of the latent tree by the recursion
 *   h_l(a) = H(K_{l+1}(. | a)) + sum_j E[h_{l+1}(b_j)], H(tree) = H(pi) + E_pi[h_0].
 *   It equals the sentence entropy H(p) when the grammar is unambiguous (each leaf
 *   sequence has one tree: `unambiguous(g)` checks the sufficient condition that no
 *   child tuple is produced by two parents of a level), and bounds it above otherwise.
 * - `empiricalDistance(support, x, n)`: exact total variation and KL(q || p) of the
 *   empirical distribution q of n samples to p.
 * - `expectedCopyProbability(g, train, P)`: the probability that one exact draw from p
 *   is one of the training sentences, sum over the distinct training sentences of p(x).
 */
import { logLikelihood } from "@ghmkit/bp";
import { type Grammar, type Kernel, leafCount } from "@ghmkit/ghm";

/** Refuse to enumerate grammars with more trees than this. */
export const MAX_ENUMERATED_TREES = 2_000_000;

export interface SentenceSupport {
  d: number;
  S: number;
  /** Distinct sentences `[size, d]`. */
  x: Int32Array;
  /** p(x) of each, summing to 1 (up to rounding). */
  p: Float64Array;
  size: number;
  /** Sentence key -> row. */
  index: Map<SentenceKey, number>;
}

type SentenceKey = number | string;

/** A key per leaf sequence: its base-S number when exact (S^d <= 2^53), else the joined symbols. */
export function sentenceKeyer(d: number, S: number): (x: ArrayLike<number>, offset: number) => SentenceKey {
  if (d * Math.log2(Math.max(S, 2)) <= 53) {
    return (x, o) => {
      let k = 0;
      for (let i = 0; i < d; i++) k = k * S + x[o + i];
      return k;
    };
  }
  return (x, o) => Array.prototype.slice.call(x, o, o + d).join(",");
}

/** The productions (child tuple, probability > 0) of parent a under kernel k. */
function productions(k: Kernel, a: number, m: number, S: number): { children: number[]; p: number }[] {
  if (k.kind === "rules") return k.rules[a].filter((r) => r.p > 0);
  const out: { children: number[]; p: number }[] = [];
  const T = S ** m;
  for (let t = 0; t < T; t++) {
    const children: number[] = new Array(m);
    for (let j = m - 1, r = t; j >= 0; j--, r = Math.floor(r / S)) children[j] = r % S;
    let p: number;
    if (k.kind === "dense") p = k.tensor[a * T + t];
    else {
      p = 1;
      for (let j = 0; j < m; j++) p *= k.matrices[j][a * S + children[j]];
    }
    if (p > 0) out.push({ children, p });
  }
  return out;
}

/** Number of trees with positive probability (an upper bound when it exceeds `cap`). */
export function treeCount(g: Grammar, cap = Infinity): number {
  const m = g.arity;
  // count[l][a]: trees below a symbol a at level l.
  let below = new Array(g.vocab[g.depth]).fill(1);
  for (let l = g.depth - 1; l >= 0; l--) {
    const k = g.levels[l];
    const next: number[] = [];
    for (let a = 0; a < g.vocab[l]; a++) {
      let c = 0;
      for (const r of productions(k, a, m, g.vocab[l + 1])) c += r.children.reduce((acc, b) => acc * below[b], 1);
      next.push(Math.min(c, cap * 2));
    }
    below = next;
  }
  let total = 0;
  for (let a = 0; a < g.vocab[0]; a++) if (g.root[a] > 0) total += below[a];
  return total;
}

/** Every sentence with p(x) > 0 and its probability; null when the grammar has more than `maxTrees` trees. */
export function enumerateSentences(g: Grammar, maxTrees = MAX_ENUMERATED_TREES): SentenceSupport | null {
  if (treeCount(g, maxTrees) > maxTrees) return null;
  const m = g.arity;
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const prods = g.levels.map((k, l) =>
    Array.from({ length: g.vocab[l] }, (_, a) => productions(k, a, m, g.vocab[l + 1])),
  );
  const key = sentenceKeyer(d, S);
  const index = new Map<SentenceKey, number>();
  const rows: number[][] = [];
  const probs: number[] = [];
  const levels: Int32Array[] = Array.from({ length: g.depth + 1 }, (_, l) => new Int32Array(m ** l));
  // Depth-first over levels, and within a level over nodes (left to right).
  const expand = (l: number, node: number, p: number): void => {
    if (l === g.depth) {
      const x = levels[l];
      const k = key(x, 0);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, rows.length);
        rows.push(Array.from(x));
        probs.push(p);
      } else probs[at] += p;
      return;
    }
    if (node === m ** l) {
      expand(l + 1, 0, p);
      return;
    }
    for (const r of prods[l][levels[l][node]]) {
      for (let j = 0; j < m; j++) levels[l + 1][node * m + j] = r.children[j];
      expand(l, node + 1, p * r.p);
    }
  };
  for (let a = 0; a < g.vocab[0]; a++) {
    if (!(g.root[a] > 0)) continue;
    levels[0][0] = a;
    expand(0, 0, g.root[a]);
  }
  const x = new Int32Array(rows.length * d);
  rows.forEach((r, i) => x.set(r, i * d));
  return { d, S, x, p: Float64Array.from(probs), size: rows.length, index };
}

const entropyOf = (ps: number[]): number => ps.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);

/** Entropy (nats) of the latent tree, by the recursion over levels. */
export function treeEntropy(g: Grammar): number {
  const m = g.arity;
  let below = new Array(g.vocab[g.depth]).fill(0);
  for (let l = g.depth - 1; l >= 0; l--) {
    const next: number[] = [];
    for (let a = 0; a < g.vocab[l]; a++) {
      const rs = productions(g.levels[l], a, m, g.vocab[l + 1]);
      let h = entropyOf(rs.map((r) => r.p));
      for (const r of rs) for (const b of r.children) h += r.p * below[b];
      next.push(h);
    }
    below = next;
  }
  const pi = Array.from(g.root);
  return entropyOf(pi) + pi.reduce((h, p, a) => h + p * below[a], 0);
}

/** True when no level has a child tuple produced by two different parents (then x determines its tree). */
export function unambiguous(g: Grammar): boolean {
  const m = g.arity;
  return g.levels.every((k, l) => {
    const seen = new Set<string>();
    for (let a = 0; a < g.vocab[l]; a++) {
      for (const r of productions(k, a, m, g.vocab[l + 1])) {
        const t = r.children.join(",");
        if (seen.has(t)) return false;
        seen.add(t);
      }
    }
    return true;
  });
}

export interface SentenceEntropy {
  /** H(p) in nats, or an upper bound (`exact` false). */
  entropy: number;
  exact: boolean;
  method:
    | "enumeration"
    | "tree recursion (unambiguous grammar)"
    | "tree recursion (upper bound: grammar may be ambiguous)";
}

/** H(p) of the sentence distribution: by enumeration when `support` is given, else by the tree recursion. */
export function sentenceEntropy(g: Grammar, support: SentenceSupport | null): SentenceEntropy {
  if (support) return { entropy: entropyOf(Array.from(support.p)), exact: true, method: "enumeration" };
  const h = treeEntropy(g);
  return unambiguous(g)
    ? { entropy: h, exact: true, method: "tree recursion (unambiguous grammar)" }
    : { entropy: h, exact: false, method: "tree recursion (upper bound: grammar may be ambiguous)" };
}

export interface EmpiricalDistance {
  /** 1/2 sum_x |q(x) - p(x)| over all sequences (invalid samples count fully). */
  tv: number;
  /** KL(q_valid || p): the empirical distribution of the valid samples, renormalised; null when none is valid. */
  klValid: number | null;
  /** Fraction of samples outside the support (KL(q || p) is infinite when > 0). */
  invalid: number;
}

/** Exact distance of the empirical distribution of samples x `[n, d]` to p. */
export function empiricalDistance(support: SentenceSupport, x: Int32Array, n: number): EmpiricalDistance {
  const { d } = support;
  if (!Number.isInteger(n) || n < 1 || x.length !== n * d)
    throw new RangeError(`empiricalDistance: x has ${x.length} entries, expected n*d with n = ${n} >= 1, d = ${d}`);
  const key = sentenceKeyer(d, support.S);
  const counts = new Map<number, number>();
  let invalid = 0;
  for (let r = 0; r < n; r++) {
    const at = support.index.get(key(x, r * d));
    if (at === undefined) invalid++;
    else counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  // Sentences never drawn contribute p(x) each: sum |q - p| = sum over drawn |q - p| + (1 - sum over drawn p) + invalid/n.
  let abs = invalid / n;
  let pDrawn = 0;
  let kl = 0;
  const valid = n - invalid;
  for (const [at, c] of counts) {
    const p = support.p[at];
    abs += Math.abs(c / n - p);
    pDrawn += p;
    kl += (c / valid) * Math.log(c / valid / p);
  }
  abs += Math.max(0, 1 - pDrawn);
  return { tv: abs / 2, klValid: valid > 0 ? Math.max(0, kl) : null, invalid: invalid / n };
}

/** Probability that one exact draw from p equals one of the P training sentences `[P, d]` (each distinct sentence counted once). */
export function expectedCopyProbability(g: Grammar, train: Int32Array, P: number): number {
  const d = leafCount(g);
  const key = sentenceKeyer(d, g.vocab[g.depth]);
  const seen = new Set<SentenceKey>();
  const distinct: number[] = [];
  for (let r = 0; r < P; r++) {
    const k = key(train, r * d);
    if (!seen.has(k)) {
      seen.add(k);
      distinct.push(r);
    }
  }
  const x = new Int32Array(distinct.length * d);
  distinct.forEach((r, i) => x.set(train.subarray(r * d, (r + 1) * d), i * d));
  const logp = logLikelihood(g, x, distinct.length);
  let s = 0;
  for (const lp of logp) s += Math.exp(lp);
  return s;
}
