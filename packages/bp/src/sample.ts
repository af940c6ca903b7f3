/**
 * Exact joint posterior sampling (SPEC.md section 3): the root from P(y | obs), then
 * top-down each children tuple from ∝ K_l(b | a) prod_j exp(u_{l,c_j}(b_j)). For
 * product kernels this factorises, one categorical per child.
 */
import { InputError } from "@ghmkit/ghm";
import type { Evidence, Grammar, Rng } from "@ghmkit/ghm";
import { compileGrammar } from "./compile";
import { checkEvidence } from "./check";
import { type BPResult, runCompiled } from "./run";
import { choiceCount, tupleLogSums, writeTuple } from "./tuples";

const { exp } = Math;

/**
 * One posterior tree per batch row: tree[l] is [batch, m^l] for l = 0..L (leaves =
 * tree[L]). Rows with impossible evidence are filled with -1 (result.impossible).
 * Pass the runBP result of the same grammar and evidence, run with `messages: true`,
 * to reuse its upward pass.
 */
export function posteriorSample(g: Grammar, ev: Evidence, rng: Rng, result?: BPResult): Int32Array[] {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  if (
    result &&
    (result.batch !== ev.batch ||
      result.root.length !== ev.batch * cg.vocab[0] ||
      (result.up && result.up.length !== cg.L + 1))
  )
    throw new InputError(
      "result",
      `posteriorSample: result is for batch ${result.batch} with ${result.root.length / Math.max(result.batch, 1)} classes`,
      "pass the runBP result of this grammar and evidence (or none)",
    );

  // A result without log-domain messages (runBP's default) gives its root and flags;
  // the upward pass is rerun for the messages.
  const bp = result?.up ? result : runCompiled(cg, ev, { downward: false, messages: true });
  const up = bp.up!;
  const { L, m, vocab, nodes } = cg;
  const batch = ev.batch;
  const C = vocab[0];
  const tree = nodes.map((n) => new Int32Array(batch * n).fill(-1));
  let width = 1;
  for (const lv of cg.levels) width = Math.max(width, choiceCount(lv));
  const z = new Float64Array(width);
  const Lt = new Float64Array(width);

  for (let row = 0; row < batch; row++) {
    if (bp.impossible[row]) continue;
    tree[0][row] = rng.categorical(bp.root, row * C, C);
    for (let l = 1; l <= L; l++) {
      const lv = cg.levels[l - 1];
      const Sc = lv.Sc;
      const u = up[l];
      const Np = nodes[l - 1];
      for (let i = 0; i < Np; i++) {
        const a = tree[l - 1][row * Np + i];
        const cOff = (row * Np + i) * m * Sc;
        const out = (row * Np + i) * m;
        if (lv.kind === "product") {
          for (let j = 0; j < m; j++) {
            const c = cOff + j * Sc;
            for (let b = 0; b < Sc; b++) z[b] = lv.logM[j][a * Sc + b] + u[c + b];
            tree[l][out + j] = drawLog(rng, z, Sc);
          }
        } else if (lv.kind === "rules") {
          const r0 = lv.start[a];
          const n = lv.start[a + 1] - r0;
          for (let k = 0; k < n; k++) {
            let s = lv.logp[r0 + k];
            for (let j = 0; j < m; j++) s += u[cOff + lv.slot[(r0 + k) * m + j]];
            z[k] = s;
          }
          const r = r0 + drawLog(rng, z, n);
          for (let j = 0; j < m; j++) tree[l][out + j] = lv.children[r * m + j];
        } else {
          tupleLogSums(u, cOff, m, Sc, Lt);
          for (let t = 0; t < lv.T; t++) z[t] = lv.logK[a * lv.T + t] + Lt[t];
          writeTuple(drawLog(rng, z, lv.T), m, Sc, tree[l], out);
        }
      }
    }
  }
  return tree;
}

/** Categorical draw from log-weights z[0..n) (some may be -Infinity, not all). */
function drawLog(rng: Rng, z: Float64Array, n: number): number {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) if (z[i] > mx) mx = z[i];
  for (let i = 0; i < n; i++) z[i] = exp(z[i] - mx);
  return rng.categorical(z, 0, n);
}
