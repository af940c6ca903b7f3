/**
 * Test-only random tiny models of all three kernel kinds, with zeros in kernels and
 * root prior, and random logits with -Infinity entries (sometimes a whole leaf).
 */
import type { Evidence, Grammar, Kernel, Rng } from "@ghmkit/ghm";

export type Kind = "product" | "rules" | "dense";

/** Random distribution over n outcomes; each entry is 0 with probability zeroProb, at least one is positive. */
export function randomDistribution(rng: Rng, n: number, zeroProb: number): Float64Array {
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    w[i] = rng.uniform() < zeroProb ? 0 : 0.05 + rng.uniform();
    total += w[i];
  }
  if (total === 0) {
    w[rng.int(n)] = 1;
    total = 1;
  }
  for (let i = 0; i < n; i++) w[i] /= total;
  return w;
}

export interface TinyShape {
  kind: Kind;
  m: number;
  vocab: number[];
  zeroProb: number;
}

export function randomGrammar(shape: TinyShape, rng: Rng): Grammar {
  const { kind, m, vocab, zeroProb } = shape;
  const L = vocab.length - 1;
  const levels: Kernel[] = [];
  for (let l = 1; l <= L; l++) {
    const Sp = vocab[l - 1];
    const Sc = vocab[l];
    const T = Sc ** m;
    if (kind === "product") {
      const matrices: Float64Array[] = [];
      for (let j = 0; j < m; j++) {
        const M = new Float64Array(Sp * Sc);
        for (let a = 0; a < Sp; a++) M.set(randomDistribution(rng, Sc, zeroProb), a * Sc);
        matrices.push(M);
      }
      levels.push({ kind, matrices });
    } else if (kind === "dense") {
      const tensor = new Float64Array(Sp * T);
      for (let a = 0; a < Sp; a++) tensor.set(randomDistribution(rng, T, zeroProb), a * T);
      levels.push({ kind, tensor });
    } else {
      const rules = [];
      for (let a = 0; a < Sp; a++) {
        const n = 1 + rng.int(Math.min(4, T));
        const picked = rng.shuffle(Array.from({ length: T }, (_, t) => t)).slice(0, n);
        const p = randomDistribution(rng, n, 0);
        rules.push(
          picked.map((t, i) => {
            const children: number[] = [];
            for (let j = m - 1, r = t; j >= 0; j--, r = Math.floor(r / Sc)) children[j] = r % Sc;
            return { children, p: p[i] };
          }),
        );
      }
      levels.push({ kind, rules });
    }
  }
  return { depth: L, arity: m, vocab, root: randomDistribution(rng, vocab[0], zeroProb), levels };
}

/** Gaussian logits of the given scale; entries -Infinity with probability infProb. */
export function randomLogits(g: Grammar, batch: number, rng: Rng, scale: number, infProb: number): Evidence {
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  const e = new Float64Array(batch * d * S);
  for (let i = 0; i < e.length; i++) e[i] = rng.uniform() < infProb ? -Infinity : scale * rng.normal();
  return { batch, d, S, e };
}

/** Number of trees C * prod_l S_l^(m^l). */
export function treeCount(m: number, vocab: number[]): number {
  let n = vocab[0];
  for (let l = 1; l < vocab.length; l++) n *= vocab[l] ** (m ** l);
  return n;
}

/** The small shapes the property tests draw from (at most ~10^4 trees at S <= 3). */
export const TINY_SHAPES: { m: number; L: number }[] = [
  { m: 2, L: 1 },
  { m: 3, L: 1 },
  { m: 2, L: 2 },
  { m: 4, L: 1 },
];
