/**
 * Ground truth by enumeration of every tree of a tiny model (SPEC.md section 3):
 * p(tree, obs) = pi(x_0) prod_nodes K_l(children | parent) prod_leaves exp(e_i(x_i)).
 * It reads the kernels straight from the Grammar (not the compiled forms BP uses),
 * so it is an independent check for tests, here and in other packages.
 */
import { InputError } from "@ghmkit/ghm";
import type { Evidence, Grammar, Kernel } from "@ghmkit/ghm";
import { compileGrammar } from "./compile";
import { checkEvidence } from "./check";
import { logAddExp } from "./kernels/scratch";

/** Refuse models with more trees than this (per batch row, before pruning). */
export const BRUTE_FORCE_MAX_TREES = 1e6;

export interface BruteForceResult {
  /** [batch] log p(evidence), -Infinity when impossible. */
  logZ: Float64Array;
  /** l = 0..L, [batch, m^l, S_l]; zeros for impossible rows. */
  marginals: Float64Array[];
}

/** log K_l(tuple | a) as a [S_{l-1}, S_l^m] table (tuple index sum_j b_j S_l^(m-1-j)). */
function logKernelTable(k: Kernel, m: number, Sp: number, Sc: number): Float64Array {
  const T = Sc ** m;
  const out = new Float64Array(Sp * T);
  for (let a = 0; a < Sp; a++) {
    for (let t = 0; t < T; t++) {
      let p: number;
      if (k.kind === "dense") p = k.tensor[a * T + t];
      else if (k.kind === "product") {
        p = 1;
        for (let j = m - 1, r = t; j >= 0; j--, r = Math.floor(r / Sc)) p *= k.matrices[j][a * Sc + (r % Sc)];
      } else {
        p = 0;
        for (const rule of k.rules[a]) {
          let idx = 0;
          for (const b of rule.children) idx = idx * Sc + b;
          if (idx === t) p += rule.p;
        }
      }
      out[a * T + t] = Math.log(p);
    }
  }
  return out;
}

/** Shapes and kernel tables of a model small enough to enumerate. */
interface Enumeration {
  cg: ReturnType<typeof compileGrammar>;
  tables: Float64Array[];
  levelOf: number[];
  indexOf: number[];
  nodeStart: number[];
}

function prepare(g: Grammar, ev: Evidence): Enumeration {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  const { L, m, vocab, nodes } = cg;
  let trees = vocab[0];
  for (let l = 1; l <= L; l++) trees *= vocab[l] ** nodes[l];
  if (trees > BRUTE_FORCE_MAX_TREES)
    throw new InputError(
      "grammar",
      `bruteForceBP: the grammar has ${trees} trees (limit ${BRUTE_FORCE_MAX_TREES})`,
      "use a smaller depth, arity or vocab",
    );

  const tables = g.levels.map((k, i) => logKernelTable(k, m, vocab[i], vocab[i + 1]));
  const levelOf: number[] = [];
  const indexOf: number[] = [];
  for (let l = 0; l <= L; l++)
    for (let i = 0; i < nodes[l]; i++) {
      levelOf.push(l);
      indexOf.push(i);
    }
  const nodeStart = nodes.map((_, l) => (m ** l - 1) / (m - 1));
  return { cg, tables, levelOf, indexOf, nodeStart };
}

/**
 * Call onTree(weight, sym) for every tree of positive weight for batch row `row`,
 * weight = log p(tree) + sum_i e_i(x_i), sym = the node symbols level by level.
 */
function visitTrees(
  en: Enumeration,
  g: Grammar,
  ev: Evidence,
  row: number,
  onTree: (w: number, sym: Int32Array) => void,
): void {
  const { cg, tables, levelOf, indexOf, nodeStart } = en;
  const { L, m, vocab, nodes } = cg;
  const total = levelOf.length;
  const sym = new Int32Array(total);
  const d = nodes[L];
  const S = vocab[L];
  const visit = (k: number, weight: number): void => {
    if (weight === -Infinity) return;
    if (k === total) {
      onTree(weight, sym);
      return;
    }
    const l = levelOf[k];
    const i = indexOf[k];
    for (let a = 0; a < vocab[l]; a++) {
      sym[k] = a;
      let w = weight;
      if (l === 0) w += Math.log(g.root[a]);
      if (l === L) w += ev.e[(row * d + i) * S + a];
      if (l > 0 && i % m === m - 1) {
        // Last sibling placed: add K_l(children tuple | parent).
        const first = nodeStart[l] + i - (m - 1);
        let t = 0;
        for (let j = 0; j < m; j++) t = t * vocab[l] + sym[first + j];
        const parent = nodeStart[l - 1] + (i - (m - 1)) / m;
        w += tables[l - 1][sym[parent] * vocab[l] ** m + t];
      }
      visit(k + 1, w);
    }
  };
  visit(0, 0);
}

export function bruteForceBP(g: Grammar, ev: Evidence): BruteForceResult {
  const en = prepare(g, ev);
  const { levelOf, indexOf } = en;
  const { vocab, nodes } = en.cg;
  const batch = ev.batch;
  const logZ = new Float64Array(batch);
  const marginals = vocab.map((Sl, l) => new Float64Array(batch * nodes[l] * Sl));
  for (let row = 0; row < batch; row++) {
    let lz = -Infinity;
    visitTrees(en, g, ev, row, (w) => {
      lz = logAddExp(lz, w);
    });
    logZ[row] = lz;
    if (lz === -Infinity) continue;
    visitTrees(en, g, ev, row, (w, sym) => {
      const p = Math.exp(w - lz);
      for (let k = 0; k < sym.length; k++) {
        const l = levelOf[k];
        marginals[l][(row * nodes[l] + indexOf[k]) * vocab[l] + sym[k]] += p;
      }
    });
  }
  return { logZ, marginals };
}

/**
 * Every tree of positive weight for one batch row, as [weight, tree] with
 * tree[l] = the m^l symbols of level l (for tests of MAP and sampling).
 */
export function enumerateTrees(g: Grammar, ev: Evidence, row: number): { weight: number; tree: Int32Array[] }[] {
  const en = prepare(g, ev);
  const out: { weight: number; tree: Int32Array[] }[] = [];
  visitTrees(en, g, ev, row, (w, sym) => {
    out.push({ weight: w, tree: en.cg.nodes.map((n, l) => sym.slice(en.nodeStart[l], en.nodeStart[l] + n)) });
  });
  return out;
}
