/**
 * Fuzz inputs for BP: tiny grammars whose levels mix the three kernel kinds, with
 * zeros in kernels and root prior (S_l = 1 included), and evidence whose entries span
 * every magnitude BP accepts (1e-300 .. the overflow bound) with -Infinity entries and
 * whole impossible leaves. Drawn from one integer seed so a failure replays exactly.
 */
import { type Evidence, type Grammar, Rng } from "@ghmkit/ghm";
import { maxEvidenceMagnitude } from "../check";
import { type Kind, randomDistribution, randomGrammar } from "../testing/random";

export interface FuzzModel {
  g: Grammar;
  ev: Evidence;
  /** Largest |finite entry| of the evidence (sets the rounding scale of the answers). */
  scale: number;
}

const KINDS: Kind[] = ["product", "rules", "dense"];
/** (m, L) pairs with at most 9 leaves; with S <= 3 every model has <= ~10^5 trees. */
const SHAPES: [number, number][] = [
  [2, 1],
  [3, 1],
  [2, 2],
  [4, 1],
  [3, 2],
];
const ZERO_PROBS = [0, 0.3, 0.7];

export function fuzzGrammar(rng: Rng): Grammar {
  const [m, L] = SHAPES[rng.int(SHAPES.length)];
  const maxS = m ** L > 4 ? 2 : 3;
  const vocab = Array.from({ length: L + 1 }, () => 1 + rng.int(maxS));
  const zeroProb = ZERO_PROBS[rng.int(ZERO_PROBS.length)];
  const levels = vocab
    .slice(1)
    .map((Sc, i) => randomGrammar({ kind: KINDS[rng.int(3)], m, vocab: [vocab[i], Sc], zeroProb }, rng).levels[0]);
  return { depth: L, arity: m, vocab, root: randomDistribution(rng, vocab[0], zeroProb), levels };
}

/** One log-likelihood entry of the given regime. */
function entry(rng: Rng, regime: number, limit: number): number {
  switch (regime) {
    case 0: // ordinary logits
      return rng.normal();
    case 1: // tiny
      return 1e-300 * rng.normal();
    case 2: // gaussian noise with sigma 1e-6 (|e| ~ 1e12)
      return 1e12 * rng.normal();
    case 3: // any magnitude, log-uniform up to the overflow bound
      return (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(rng.uniform() * Math.log(limit));
    default: // at the bound itself
      return rng.uniform() < 0.5 ? -limit : limit;
  }
}

export function fuzzEvidence(g: Grammar, rng: Rng, batch: number): FuzzModel["ev"] {
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  const limit = maxEvidenceMagnitude(d);
  const regime = rng.int(5);
  const infProb = [0, 0.05, 0.3][rng.int(3)];
  const e = new Float64Array(batch * d * S);
  for (let i = 0; i < e.length; i++) e[i] = rng.uniform() < infProb ? -Infinity : entry(rng, regime, limit);
  // Sometimes a leaf with every symbol impossible.
  if (rng.uniform() < 0.1) {
    const leaf = rng.int(batch * d);
    e.fill(-Infinity, leaf * S, (leaf + 1) * S);
  }
  return { batch, d, S, e };
}

/** A model and a batch of 1..3 evidence rows from one seed. */
export function fuzzModel(seed: number): FuzzModel {
  const rng = new Rng(seed);
  const g = fuzzGrammar(rng);
  const ev = fuzzEvidence(g, rng, 1 + rng.int(3));
  let scale = 0;
  for (const x of ev.e) if (x !== -Infinity && Math.abs(x) > scale) scale = Math.abs(x);
  return { g, ev, scale };
}

/**
 * log p(tree) + sum_i e_i(x_i) read straight from the Grammar (no BP code), for a
 * tree in BP's layout (tree[l] = [batch, m^l]) at one row.
 */
export function treeLogWeight(g: Grammar, ev: Evidence, tree: Int32Array[], row: number): number {
  const m = g.arity;
  let w = Math.log(g.root[tree[0][row]]);
  for (let l = 1; l <= g.depth; l++) {
    const k = g.levels[l - 1];
    const Sc = g.vocab[l];
    const np = m ** (l - 1);
    for (let i = 0; i < np; i++) {
      const a = tree[l - 1][row * np + i];
      const ch = Array.from(tree[l].subarray((row * np + i) * m, (row * np + i + 1) * m));
      if (k.kind === "product") ch.forEach((b, j) => (w += Math.log(k.matrices[j][a * Sc + b])));
      else if (k.kind === "dense") w += Math.log(k.tensor[a * Sc ** m + ch.reduce((t, b) => t * Sc + b, 0)]);
      else w += Math.log(k.rules[a].find((r) => r.children.every((b, j) => b === ch[j]))?.p ?? 0);
    }
  }
  const d = ev.d;
  for (let i = 0; i < d; i++) w += ev.e[(row * d + i) * ev.S + tree[g.depth][row * d + i]];
  return w;
}
