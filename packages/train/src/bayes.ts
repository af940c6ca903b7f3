/**
 * Bayes-optimal values on a test set, from exact BP (SPEC.md sections 3 and 6):
 * the classifier's root posterior P(y | obs) and the denoiser's leaf marginals
 * E[onehot(x_i) | obs], scored by the same metric code as the network.
 */
import { InputError } from "@ghmkit/ghm";
import { runBP } from "@ghmkit/bp";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import type { LabeledSet } from "./data";
import { type ClassifierMetrics, type DenoiserMetrics, classifierMetrics, denoiserMetrics } from "./metrics";

/** Rows per BP call: bounds BP's per-level message buffers on large test sets. */
const BP_CHUNK = 2048;

function rowsOf(ev: Evidence, start: number, end: number): Evidence {
  const w = ev.d * ev.S;
  return { batch: end - start, d: ev.d, S: ev.S, e: ev.e.subarray(start * w, end * w) };
}

function checkPossible(impossible: Uint8Array, offset: number): void {
  const r = impossible.indexOf(1);
  if (r >= 0) {
    throw new InputError(
      "test",
      `test row ${offset + r} has impossible evidence under the grammar (p(obs) = 0); the test set was not drawn from this grammar`,
    );
  }
}

/** BP classification posterior `[n, C]` of a set's observations. */
export function bayesPosterior(g: Grammar, set: LabeledSet): Float64Array {
  const C = g.vocab[0];
  const out = new Float64Array(set.n * C);
  for (let s = 0; s < set.n; s += BP_CHUNK) {
    const e = Math.min(set.n, s + BP_CHUNK);
    const res = runBP(g, rowsOf(set.evidence, s, e), { downward: false });
    checkPossible(res.impossible, s);
    out.set(res.root, s * C);
  }
  return out;
}

/** BP leaf marginals `[n, d, S]` of a set's observations. */
export function bayesLeafPosterior(g: Grammar, set: LabeledSet): Float64Array {
  const w = set.d * set.S;
  const out = new Float64Array(set.n * w);
  for (let s = 0; s < set.n; s += BP_CHUNK) {
    const e = Math.min(set.n, s + BP_CHUNK);
    const res = runBP(g, rowsOf(set.evidence, s, e));
    checkPossible(res.impossible, s);
    out.set(res.marginals![g.depth], s * w);
  }
  return out;
}

/** Bayes accuracy and cross-entropy of the root class on a set. */
export function bayesClassifier(g: Grammar, set: LabeledSet): ClassifierMetrics {
  return classifierMetrics(bayesPosterior(g, set), set.y, g.vocab[0]);
}

/** Bayes denoising MSE (and per-leaf cross-entropy) on a set, with each row's squared error. */
export function bayesDenoiser(g: Grammar, set: LabeledSet): DenoiserMetrics & { rowMse: Float64Array } {
  return denoiserMetrics(bayesLeafPosterior(g, set), set.x, set.n, set.d, set.S);
}
