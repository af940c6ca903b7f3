/**
 * Exact log p(x) of observed sequences and the per-level validity measure
 * (SPEC.md sections 3 and 6).
 */
import { InputError } from "@ghmkit/ghm";
import { type Grammar, exactEvidence } from "@ghmkit/ghm";
import { type CompiledGrammar, compileGrammar } from "./compile";
import { runCompiled } from "./run";

/** Rows per chunk so the exact-evidence tensor stays near 128 MiB. */
const CHUNK_FLOATS = 2 ** 24;

function checkSequences(cg: CompiledGrammar, x: Int32Array, n: number, who: string): void {
  const d = cg.nodes[cg.L];
  if (!Number.isInteger(n) || n < 0) throw new InputError("n", `${who}: n is ${n}`, "use a non-negative integer");
  if (!(x instanceof Int32Array) || x.length !== n * d)
    throw new InputError("x", `${who}: x has ${x?.length} entries; expected an Int32Array of n*d = ${n * d} symbols`);
}

/** log p(x) per sequence of x ([n, d]); -Infinity when x is not a sentence of the grammar. */
export function logLikelihood(g: Grammar, x: Int32Array, n: number): Float64Array {
  const cg = compileGrammar(g);
  checkSequences(cg, x, n, "logLikelihood");
  const d = cg.nodes[cg.L];
  const S = cg.vocab[cg.L];
  const out = new Float64Array(n);
  const chunk = Math.max(1, Math.floor(CHUNK_FLOATS / (d * S)));
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const r1 = Math.min(n, r0 + chunk);
    const ev = exactEvidence(x.subarray(r0 * d, r1 * d), r1 - r0, d, S);
    out.set(runCompiled(cg, ev, { downward: false }).logZ, r0);
  }
  return out;
}

/**
 * For levels l = 0..L, the fraction of nodes (over the batch) whose subtree has a
 * parse: some symbol at the node generates the observed leaves below it with p > 0.
 * At level 0 the symbol must also have pi > 0, so index 0 is the fraction of
 * sequences with log p(x) > -Infinity. Computed on supports (booleans), so it is
 * exact whatever the magnitudes of the probabilities.
 */
export function validityPerLevel(g: Grammar, x: Int32Array, n: number): number[] {
  const cg = compileGrammar(g);
  checkSequences(cg, x, n, "validityPerLevel");
  if (n === 0)
    throw new InputError(
      "n",
      "validityPerLevel: n is 0; a fraction over no sequences is undefined",
      "pass at least one sequence",
    );
  const { L, m, vocab, nodes } = cg;
  const d = nodes[L];
  const S = vocab[L];
  const ok = vocab.map((Sl, l) => new Uint8Array(nodes[l] * Sl));
  const valid = new Array<number>(L + 1).fill(0);
  for (let row = 0; row < n; row++) {
    ok[L].fill(0);
    for (let i = 0; i < d; i++) {
      const s = x[row * d + i];
      if (!(s >= 0 && s < S))
        throw new InputError(
          `x[${row * d + i}]`,
          `validityPerLevel: x[${row * d + i}] is ${s}; symbols lie in [0, ${S})`,
        );

      ok[L][i * S + s] = 1;
    }
    valid[L] += d;
    for (let l = L; l >= 1; l--) {
      const lv = cg.levels[l - 1];
      const { Sp, Sc } = lv;
      const oc = ok[l];
      const op = ok[l - 1];
      for (let i = 0; i < nodes[l - 1]; i++) {
        const cOff = i * m * Sc;
        let any = 0;
        for (let a = 0; a < Sp; a++) {
          let can = 0;
          if (lv.kind === "product") {
            can = 1;
            for (let j = 0; j < m && can; j++) {
              let some = 0;
              for (let b = 0; b < Sc && !some; b++) if (lv.M[j][a * Sc + b] > 0 && oc[cOff + j * Sc + b]) some = 1;
              can = some;
            }
          } else if (lv.kind === "rules") {
            for (let r = lv.start[a]; r < lv.start[a + 1] && !can; r++) {
              if (!(lv.p[r] > 0)) continue;
              let all = 1;
              for (let j = 0; j < m && all; j++) all = oc[cOff + lv.slot[r * m + j]];
              can = all;
            }
          } else {
            for (let t = 0; t < lv.T && !can; t++) {
              if (!(lv.K[a * lv.T + t] > 0)) continue;
              let all = 1;
              for (let j = m - 1, rest = t; j >= 0 && all; j--, rest = (rest - (rest % Sc)) / Sc)
                all = oc[cOff + j * Sc + (rest % Sc)];
              can = all;
            }
          }
          if (l === 1 && !(cg.pi[a] > 0)) can = 0;
          op[i * Sp + a] = can;
          any |= can;
        }
        valid[l - 1] += any;
      }
    }
  }
  return valid.map((v, l) => v / (n * nodes[l]));
}
