import { InputError } from "@ghmkit/ghm";
import { posteriorSample, runBP } from "@ghmkit/bp";
import { type Evidence, type Grammar, type Rng, leafCount } from "@ghmkit/ghm";
import type { Denoiser, DenoiserInput } from "./denoiser";
import { stateEvidence } from "./evidence";

/**
 * Exact denoiser by belief propagation: p(x_0 | x_t) per leaf is the BP leaf
 * marginal under the evidence of x_t (SPEC.md section 3, "Denoiser"), so it is the
 * Bayes-optimal per-leaf prediction.
 */
export function bpDenoiser(g: Grammar): Denoiser {
  return { name: "bp", posterior: (input) => bpPosterior(g, input) };
}

/**
 * Exact denoiser that also draws x_0 jointly from p(x_0 | x_t) by BP posterior
 * sampling: samplers that use `sampleJoint` have no factorisation error.
 * Its per-leaf `posterior` is the BP marginals, as for bpDenoiser.
 */
export function bpJointDenoiser(g: Grammar): Denoiser {
  return {
    name: "bp-joint",
    posterior: (input) => bpPosterior(g, input),
    sampleJoint: (input, rng) => bpSampleJoint(g, input, rng),
  };
}

/**
 * A state can be impossible under the grammar: a factorised mask sampler may
 * unmask symbols that no tree produces together. Its exact posterior does not
 * exist, so such rows are answered under relaxed evidence where each visible symbol
 * is wrong with probability RELAX: the nearest parses then decide the masked leaves.
 * The final sample stays invalid (visible symbols are never changed), which is the
 * factorisation error the metrics report.
 */
const RELAX = 1e-3;

function bpPosterior(g: Grammar, input: DenoiserInput): Float64Array {
  const ev = evidenceFor(g, input);
  const L = g.depth;
  const res = runBP(g, ev);
  const out = Float64Array.from(res.marginals![L]);
  const bad = impossibleRows(res.impossible);
  if (bad.length > 0) {
    const sub = relaxRows(ev, bad);
    const fix = runBP(g, sub).marginals![L];
    const row = ev.d * ev.S;
    bad.forEach((r, k) => out.set(fix.subarray(k * row, (k + 1) * row), r * row));
  }
  return out;
}

function bpSampleJoint(g: Grammar, input: DenoiserInput, rng: Rng): Int32Array {
  const ev = evidenceFor(g, input);
  const L = g.depth;
  const res = runBP(g, ev, { downward: false, messages: true });
  const out = Int32Array.from(posteriorSample(g, ev, rng, res)[L]);
  const bad = impossibleRows(res.impossible);
  if (bad.length > 0) {
    const fix = posteriorSample(g, relaxRows(ev, bad), rng)[L];
    bad.forEach((r, k) => out.set(fix.subarray(k * ev.d, (k + 1) * ev.d), r * ev.d));
  }
  return out;
}

function evidenceFor(g: Grammar, input: DenoiserInput): Evidence {
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  if (input.d !== d || input.S !== S) {
    throw new InputError(
      "input",
      `denoiser input has d = ${input.d}, S = ${input.S}; the grammar needs d = ${d}, S = ${S}`,
    );
  }
  return stateEvidence(input);
}

function impossibleRows(flags: Uint8Array): number[] {
  const rows: number[] = [];
  flags.forEach((f, r) => {
    if (f) rows.push(r);
  });
  return rows;
}

/** Evidence of the given rows with e'(s) = log((1 - RELAX) p(s) + RELAX/S), p = softmax(e). */
function relaxRows(ev: Evidence, rows: number[]): Evidence {
  const { d, S } = ev;
  const e = new Float64Array(rows.length * d * S);
  rows.forEach((r, k) => {
    for (let i = 0; i < d; i++) {
      const src = (r * d + i) * S;
      const dst = (k * d + i) * S;
      let mx = -Infinity;
      for (let s = 0; s < S; s++) mx = Math.max(mx, ev.e[src + s]);
      let z = 0;
      for (let s = 0; s < S; s++) z += Math.exp(ev.e[src + s] - mx);
      for (let s = 0; s < S; s++) e[dst + s] = Math.log((1 - RELAX) * (Math.exp(ev.e[src + s] - mx) / z) + RELAX / S);
    }
  });
  return { batch: rows.length, d, S, e };
}
