/**
 * Straightforward BP: every message entry an independent log-sum-exp over its own
 * terms, node by node, allocating freely. It is the baseline of bench.ts and an exact
 * oracle for models too large to enumerate (it never leaves the log domain, so no
 * scale of evidence can make it underflow).
 */
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { compileGrammar } from "./compile";
import { checkEvidence } from "./check";
import { logSumExp } from "./logspace";

export interface NaiveBPResult {
  logZ: Float64Array;
  /** l = 0..L, [batch, m^l, S_l]; zeros for impossible rows. */
  marginals: Float64Array[];
}

function lse(terms: number[]): number {
  return logSumExp(terms, 0, terms.length);
}

export function naiveBP(g: Grammar, ev: Evidence): NaiveBPResult {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  const { L, m, vocab, nodes } = cg;
  const batch = ev.batch;
  const logZ = new Float64Array(batch);
  const marginals = vocab.map((S, l) => new Float64Array(batch * nodes[l] * S));
  const digits = (t: number, Sc: number): number[] => {
    const out: number[] = [];
    for (let j = m - 1; j >= 0; j--, t = Math.floor(t / Sc)) out[j] = t % Sc;
    return out;
  };
  for (let row = 0; row < batch; row++) {
    // u[l][i][s] and w[l][i][s] as nested arrays: the plain reading of SPEC.md section 3.
    const u: number[][][] = [];
    // q[l][c][a] for product levels, kept for the downward pass.
    const q: number[][][] = [];
    u[L] = [];
    for (let i = 0; i < nodes[L]; i++)
      u[L][i] = Array.from(ev.e.subarray((row * nodes[L] + i) * vocab[L], (row * nodes[L] + i + 1) * vocab[L]));
    for (let l = L; l >= 1; l--) {
      const lv = cg.levels[l - 1];
      const Sc = lv.Sc;
      u[l - 1] = [];
      q[l] = [];
      for (let i = 0; i < nodes[l - 1]; i++) {
        const ch = (j: number): number[] => u[l][m * i + j];
        u[l - 1][i] = [];
        for (let a = 0; a < lv.Sp; a++) {
          if (lv.kind === "product") {
            let s = 0;
            for (let j = 0; j < m; j++) {
              q[l][m * i + j] ??= [];
              const qc = q[l][m * i + j];
              qc[a] = lse(ch(j).map((x, b) => lv.logM[j][a * Sc + b] + x));
              s += qc[a];
            }
            u[l - 1][i][a] = s;
          } else if (lv.kind === "rules") {
            const terms: number[] = [];
            for (let r = lv.start[a]; r < lv.start[a + 1]; r++) {
              let z = lv.logp[r];
              for (let j = 0; j < m; j++) z += ch(j)[lv.children[r * m + j]];
              terms.push(z);
            }
            u[l - 1][i][a] = lse(terms);
          } else {
            const terms: number[] = [];
            for (let t = 0; t < lv.T; t++)
              terms.push(lv.logK[a * lv.T + t] + digits(t, Sc).reduce((z, b, j) => z + ch(j)[b], 0));
            u[l - 1][i][a] = lse(terms);
          }
        }
      }
    }
    const lz = lse(u[0][0].map((x, a) => cg.logPi[a] + x));
    logZ[row] = lz;
    if (lz === -Infinity) continue;
    const w: number[][][] = [[Array.from(cg.logPi)]];
    for (let l = 1; l <= L; l++) {
      const lv = cg.levels[l - 1];
      const Sc = lv.Sc;
      w[l] = [];
      for (let p = 0; p < nodes[l - 1]; p++) {
        for (let j = 0; j < m; j++) {
          const c = m * p + j;
          w[l][c] = [];
          for (let b = 0; b < Sc; b++) {
            const terms: number[] = [];
            for (let a = 0; a < lv.Sp; a++) {
              const wa = w[l - 1][p][a];
              if (lv.kind === "product") {
                let z = wa + lv.logM[j][a * Sc + b];
                for (let k = 0; k < m; k++) if (k !== j) z += q[l][m * p + k][a];
                terms.push(z);
              } else if (lv.kind === "rules") {
                for (let r = lv.start[a]; r < lv.start[a + 1]; r++) {
                  if (lv.children[r * m + j] !== b) continue;
                  let z = wa + lv.logp[r];
                  for (let k = 0; k < m; k++) if (k !== j) z += u[l][m * p + k][lv.children[r * m + k]];
                  terms.push(z);
                }
              } else {
                for (let t = 0; t < lv.T; t++) {
                  const tb = digits(t, Sc);
                  if (tb[j] !== b) continue;
                  terms.push(
                    wa + lv.logK[a * lv.T + t] + tb.reduce((z, bk, k) => (k === j ? z : z + u[l][m * p + k][bk]), 0),
                  );
                }
              }
            }
            w[l][c][b] = lse(terms);
          }
        }
      }
    }
    for (let l = 0; l <= L; l++) {
      for (let i = 0; i < nodes[l]; i++) {
        const z = u[l][i].map((x, s) => x + w[l][i][s]);
        const norm = lse(z);
        z.forEach((x, s) => (marginals[l][(row * nodes[l] + i) * vocab[l] + s] = Math.exp(x - norm)));
      }
    }
  }
  return { logZ, marginals };
}
