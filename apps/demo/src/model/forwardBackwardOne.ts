/**
 * Forward-backward for ONE tree (Sclocchi, Favero, Wyart 2025; SPEC.md section 5):
 * at each noise level, noise the tree's leaves `repeats` times (VP), draw one exact
 * posterior tree per noisy copy by BP posterior sampling, and count how often each
 * level's symbols, and the root class, survive. The class "flips" at the first level
 * where the class drawn most often is not the tree's own class.
 */
import { posteriorSample, runBP } from "@ghmkit/bp";
import { type Grammar, Rng, leafCount } from "@ghmkit/ghm";
import { type NoiseSchedule, qSampleVP, stateEvidence } from "@ghmkit/diffusion";
import { argmax } from "./measures";
import { DEMO_SCHEDULE } from "./noise";

export interface FBOptions {
  /** Diffusion times u in [0, 1], increasing. */
  times: number[];
  /** Noisy copies per level. */
  repeats: number;
  seed: number;
  schedule?: NoiseSchedule;
}

export interface FBRow {
  u: number;
  abar: number;
  /** Fraction of posterior draws whose root class is the tree's class. */
  classAgreement: number;
  /** l = 0..L: fraction of level-l symbols unchanged (index 0 = classAgreement). */
  levelAgreement: number[];
  /** How many draws landed on each class. */
  classCounts: number[];
  /** The class drawn most often. */
  majority: number;
}

export interface FBResult {
  rows: FBRow[];
  /** The tree's class. */
  trueClass: number;
  /** First u whose majority class differs from the tree's, or null if it never does. */
  flipU: number | null;
}

/** Evenly spaced times 0, 1/(n-1), ..., 1. */
export function timeGrid(n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`levels must be an integer >= 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => i / (n - 1));
}

/** `tree[l]` holds the m^l symbols of level l of one tree (l = 0..L). */
export function forwardBackwardOne(g: Grammar, tree: Int32Array[], o: FBOptions): FBResult {
  const L = g.depth;
  const d = leafCount(g);
  const S = g.vocab[L];
  const C = g.vocab[0];
  const R = o.repeats;
  if (!Number.isInteger(R) || R < 1 || R > 4096)
    throw new RangeError(`repeats must be an integer in [1, 4096], got ${R}`);
  if (tree.length !== L + 1 || tree[L].length !== d)
    throw new RangeError(`tree must hold L + 1 = ${L + 1} levels with d = ${d} leaves; pass one sampled tree`);
  o.times.forEach((u, i) => {
    if (!(u >= 0 && u <= 1)) throw new RangeError(`times[${i}] = ${u} must be in [0, 1]`);
  });
  const schedule = o.schedule ?? DEMO_SCHEDULE;
  const x0 = new Int32Array(R * d);
  for (let r = 0; r < R; r++) x0.set(tree[L], r * d);
  const rng = new Rng(o.seed);
  const trueClass = tree[0][0];
  const rows = o.times.map((u): FBRow => {
    const abar = schedule.abarAt(u);
    const noise = rng.fork();
    const ev = stateEvidence({ process: "vp", batch: R, d, S, abar, xt: qSampleVP(x0, S, abar, noise) });
    const drawn = posteriorSample(g, ev, noise, runBP(g, ev, { downward: false, messages: true }));
    const classCounts = new Array<number>(C).fill(0);
    for (let r = 0; r < R; r++) classCounts[drawn[0][r]]++;
    const levelAgreement = tree.map((symbols, l) => {
      const n = symbols.length;
      let same = 0;
      for (let r = 0; r < R; r++) for (let i = 0; i < n; i++) if (drawn[l][r * n + i] === symbols[i]) same++;
      return same / (R * n);
    });
    return { u, abar, classAgreement: levelAgreement[0], levelAgreement, classCounts, majority: argmax(classCounts) };
  });
  const flip = rows.find((r) => r.majority !== trueClass);
  return { rows, trueClass, flipU: flip ? flip.u : null };
}
