import { InputError } from "./inputError";
import { type Grammar, type Kernel, leafCount } from "./grammar";
import type { Rng } from "./rng";

/** A batch of sequences drawn from a grammar. */
export interface SampleBatch {
  n: number;
  /** Leaves per sequence, d = m^L. */
  d: number;
  /** Row-major `[n, d]` leaf symbols. */
  x: Int32Array;
  /** Root symbols (class labels) y = x_{0,0}, length n. */
  y: Int32Array;
  /** With `tree: true`: `tree[l]` is row-major `[n, m^l]`, the symbols of level l = 0..L. */
  tree?: Int32Array[];
}

export interface SampleOptions {
  /** Keep every level's symbols (the full latent tree). */
  tree?: boolean;
}

/** Largest n * d one sample() call produces (2^28 symbols, 1 GiB of Int32). */
export const MAX_SAMPLE_LEAVES = 2 ** 28;

/** Draw n sequences: root from pi, then each node's children tuple from K_l(. | a). */
export function sample(g: Grammar, n: number, rng: Rng, options: SampleOptions = {}): SampleBatch {
  if (!Number.isInteger(n) || n < 0) throw new InputError("n", `must be a non-negative integer, got ${n}`);
  const m = g.arity;
  const d = leafCount(g);
  // The levels together hold about n*d*m/(m-1) Int32 symbols; refuse before allocating.
  if (n * d > MAX_SAMPLE_LEAVES)
    throw new InputError(
      "n",
      `n * d = ${n} * ${d} = ${n * d} leaves exceeds ${MAX_SAMPLE_LEAVES}`,
      "draw fewer sequences per call",
    );

  const levels: Int32Array[] = [new Int32Array(n)];
  for (let b = 0; b < n; b++) levels[0][b] = rng.categorical(g.root);
  for (let l = 1; l <= g.depth; l++) {
    const parents = levels[l - 1];
    const width = m ** (l - 1);
    const children = new Int32Array(n * width * m);
    const draw = childDrawer(g.levels[l - 1], m, g.vocab[l]);
    for (let p = 0; p < parents.length; p++) draw(parents[p], rng, children, p * m);
    levels.push(children);
  }
  const out: SampleBatch = { n, d, x: levels[g.depth], y: levels[0] };
  if (options.tree) out.tree = levels;
  return out;
}

type ChildDrawer = (a: number, rng: Rng, out: Int32Array, offset: number) => void;

function childDrawer(k: Kernel, m: number, S: number): ChildDrawer {
  switch (k.kind) {
    case "product":
      return (a, rng, out, offset) => {
        for (let j = 0; j < m; j++) out[offset + j] = rng.categorical(k.matrices[j], a * S, S);
      };
    case "rules": {
      const weights = k.rules.map((rs) => rs.map((r) => r.p));
      return (a, rng, out, offset) => {
        const r = k.rules[a][rng.categorical(weights[a])];
        for (let j = 0; j < m; j++) out[offset + j] = r.children[j];
      };
    }
    case "dense": {
      const T = S ** m;
      return (a, rng, out, offset) => {
        let t = rng.categorical(k.tensor, a * T, T);
        for (let j = m - 1; j >= 0; j--) {
          out[offset + j] = t % S;
          t = Math.floor(t / S);
        }
      };
    }
  }
}
