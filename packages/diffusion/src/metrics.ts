import { InputError } from "@ghmkit/ghm";
import { runBP, validityPerLevel } from "@ghmkit/bp";
import { type Grammar, classCount, exactEvidence, leafCount } from "@ghmkit/ghm";

/** Measures of generated samples (SPEC.md section 6). */
export interface SampleMetrics {
  n: number;
  /** Fraction of samples with exact log p(x) > -Infinity (sentences of the grammar). */
  validity: number;
  /** Levels l = 0..L: fraction of level-l nodes whose subtree has a parse; index 0 = validity. */
  validityPerLevel: number[];
  /** Share of samples identical to some training sequence; null without `train`. */
  copyFraction: number | null;
  /** Distinct samples / n. */
  diversity: number;
  /**
   * Class distribution of the valid samples: the mean over them of the exact root
   * posterior P(y | x) (not the argmax class): if the samples follow the grammar,
   * its expectation is pi exactly, ambiguous sentences included. Zeros when none is valid.
   */
  classDistribution: number[];
  /** The root prior pi. */
  prior: number[];
  /** Total variation 1/2 sum_y |classDistribution(y) - pi(y)|; null when no sample is valid. */
  classTV: number | null;
  /** Mean exact log p(x) over valid samples; null when none is valid. */
  meanLogLikelihood: number | null;
}

export interface MetricsOptions {
  /** Training sequences `[trainN, d]`, for the copy fraction. */
  train?: Int32Array;
  trainN?: number;
}

/** Rows per BP call, to bound memory on large sample sets. */
const CHUNK = 4096;

/** Validity, per-level validity, copy fraction, diversity, class distribution vs pi, mean log p(x) of samples x `[n, d]`. */
export function sampleMetrics(g: Grammar, x: Int32Array, n: number, options: MetricsOptions = {}): SampleMetrics {
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const C = classCount(g);
  if (!Number.isInteger(n) || n < 1) throw new InputError("n", `must be a positive integer, got ${n}`);
  if (x.length !== n * d) throw new InputError("x", `has ${x.length} entries, expected n*d = ${n * d}`);
  let valid = 0;
  let logpSum = 0;
  const cls = new Float64Array(C);
  for (let start = 0; start < n; start += CHUNK) {
    const rows = Math.min(CHUNK, n - start);
    const res = runBP(g, exactEvidence(x.subarray(start * d, (start + rows) * d), rows, d, S), { downward: false });
    for (let r = 0; r < rows; r++) {
      if (res.impossible[r] || res.logZ[r] === -Infinity) continue;
      valid++;
      logpSum += res.logZ[r];
      for (let y = 0; y < C; y++) cls[y] += res.root[r * C + y];
    }
  }
  const perLevel = validityPerLevel(g, x, n);
  const prior = Array.from(g.root);
  const classDistribution = Array.from(cls, (c) => (valid > 0 ? c / valid : 0));
  return {
    n,
    validity: valid / n,
    validityPerLevel: perLevel,
    copyFraction: options.train ? copyFraction(x, n, d, options.train, options.trainN) : null,
    diversity: distinctCount(x, n, d) / n,
    classDistribution,
    prior,
    classTV: valid > 0 ? totalVariation(classDistribution, prior) : null,
    meanLogLikelihood: valid > 0 ? logpSum / valid : null,
  };
}

/** 1/2 sum |p - q|. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new InputError("q", `totalVariation: lengths ${p.length} and ${q.length} differ`);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - q[i]);
  return s / 2;
}

function key(x: Int32Array, r: number, d: number): string {
  return x.subarray(r * d, (r + 1) * d).join(",");
}

function distinctCount(x: Int32Array, n: number, d: number): number {
  const seen = new Set<string>();
  for (let r = 0; r < n; r++) seen.add(key(x, r, d));
  return seen.size;
}

function copyFraction(x: Int32Array, n: number, d: number, train: Int32Array, trainN?: number): number {
  const tn = trainN ?? train.length / d;
  if (!Number.isInteger(tn) || train.length !== tn * d)
    throw new InputError(
      "train",
      `has ${train.length} entries, expected trainN*d with d = ${d}${trainN !== undefined ? ` and trainN = ${trainN}` : ""}`,
    );
  const seen = new Set<string>();
  for (let r = 0; r < tn; r++) seen.add(key(train, r, d));
  let copies = 0;
  for (let r = 0; r < n; r++) if (seen.has(key(x, r, d))) copies++;
  return copies / n;
}
