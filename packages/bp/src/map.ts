/**
 * MAP tree by max-product (SPEC.md section 3): the upward pass with max in place of
 * log-sum-exp, remembering each argmax, then backtracking from the best root. Pure
 * log domain (sums and maxima only), one batch row at a time, so it is exact at any
 * evidence scale and its memory does not grow with the batch.
 */
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { type CompiledGrammar, compileGrammar } from "./compile";
import { checkEvidence } from "./check";
import { choiceCount, tupleLogSums, writeTuple } from "./tuples";

export interface MapResult {
  /** tree[l] = [batch, m^l] for l = 0..L; -1 throughout for impossible rows. */
  tree: Int32Array[];
  /** [batch] max over trees of log p(tree) + sum_i e_i(x_i); -Infinity when impossible. */
  logp: Float64Array;
}

export function mapDecode(g: Grammar, ev: Evidence): MapResult {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  const { L, vocab, nodes } = cg;
  const batch = ev.batch;
  const d = nodes[L];
  const S = vocab[L];
  const tree = nodes.map((n) => new Int32Array(batch * n).fill(-1));
  const logp = new Float64Array(batch);
  // The work arrays below grow with the tree, not the batch: none for an empty batch.
  if (batch === 0) return { tree, logp };
  const mu = vocab.map((Sl, l) => new Float64Array(nodes[l] * Sl));
  // best[l]: for product [m^l children, S_{l-1}] -> b; otherwise [m^(l-1) parents, S_{l-1}] -> rule / tuple.
  const best = cg.levels.map((lv, i) => new Int32Array((lv.kind === "product" ? nodes[i + 1] : nodes[i]) * lv.Sp));
  let width = 1;
  for (const lv of cg.levels) width = Math.max(width, choiceCount(lv));
  const Lt = new Float64Array(width);

  for (let row = 0; row < batch; row++) {
    mu[L].set(ev.e.subarray(row * d * S, (row + 1) * d * S));
    for (let l = L; l >= 1; l--) maxProductLevel(cg, l, mu, best[l - 1], Lt);
    let top = -Infinity;
    let y = -1;
    for (let a = 0; a < vocab[0]; a++) {
      const v = cg.logPi[a] + mu[0][a];
      if (v > top) {
        top = v;
        y = a;
      }
    }
    logp[row] = top;
    if (top === -Infinity) continue;
    tree[0][row] = y;
    for (let l = 1; l <= L; l++) backtrack(cg, l, row, tree, best[l - 1]);
  }
  return { tree, logp };
}

function maxProductLevel(cg: CompiledGrammar, l: number, mu: Float64Array[], best: Int32Array, Lt: Float64Array): void {
  const lv = cg.levels[l - 1];
  const { m, Sp, Sc } = lv;
  const uc = mu[l];
  const up = mu[l - 1];
  for (let i = 0; i < cg.nodes[l - 1]; i++) {
    const cOff = i * m * Sc;
    for (let a = 0; a < Sp; a++) {
      let total = 0;
      if (lv.kind === "product") {
        for (let j = 0; j < m; j++) {
          let mx = -Infinity;
          let arg = 0;
          for (let b = 0; b < Sc; b++) {
            const z = lv.logM[j][a * Sc + b] + uc[cOff + j * Sc + b];
            if (z > mx) {
              mx = z;
              arg = b;
            }
          }
          best[(i * m + j) * Sp + a] = arg;
          total += mx;
        }
      } else if (lv.kind === "rules") {
        let mx = -Infinity;
        let arg = lv.start[a];
        for (let r = lv.start[a]; r < lv.start[a + 1]; r++) {
          let z = lv.logp[r];
          for (let j = 0; j < m; j++) z += uc[cOff + lv.slot[r * m + j]];
          if (z > mx) {
            mx = z;
            arg = r;
          }
        }
        best[i * Sp + a] = arg;
        total = mx;
      } else {
        if (a === 0) tupleLogSums(uc, cOff, m, Sc, Lt);
        let mx = -Infinity;
        let arg = 0;
        for (let t = 0; t < lv.T; t++) {
          const z = lv.logK[a * lv.T + t] + Lt[t];
          if (z > mx) {
            mx = z;
            arg = t;
          }
        }
        best[i * Sp + a] = arg;
        total = mx;
      }
      up[i * Sp + a] = total;
    }
  }
}

function backtrack(cg: CompiledGrammar, l: number, row: number, tree: Int32Array[], best: Int32Array): void {
  const lv = cg.levels[l - 1];
  const { m, Sp } = lv;
  const Np = cg.nodes[l - 1];
  for (let i = 0; i < Np; i++) {
    const a = tree[l - 1][row * Np + i];
    const out = (row * Np + i) * m;
    if (lv.kind === "product") {
      for (let j = 0; j < m; j++) tree[l][out + j] = best[(i * m + j) * Sp + a];
    } else if (lv.kind === "rules") {
      const r = best[i * Sp + a];
      for (let j = 0; j < m; j++) tree[l][out + j] = lv.children[r * m + j];
    } else {
      writeTuple(best[i * Sp + a], m, lv.Sc, tree[l], out);
    }
  }
}
