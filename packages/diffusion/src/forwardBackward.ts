import { InputError } from "@ghmkit/ghm";
import { posteriorSample, runBP } from "@ghmkit/bp";
import { type Grammar, Rng, leafCount, sample } from "@ghmkit/ghm";
import type { DenoiserInput, DiffusionProcess } from "./denoiser";
import { qSampleMask, qSampleUniform } from "./discrete";
import { stateEvidence } from "./evidence";
import { makeSchedule } from "./schedules";
import type { NoiseSchedule, ScheduleConfig } from "./schedules/schedule";
import { checkAbar, qSampleVP } from "./vp";

export interface ForwardBackwardOptions {
  grammar: Grammar;
  process: DiffusionProcess;
  /** Continuous times u in [0, 1], mapped to abar by the schedule. Give this or `abars`. */
  times?: number[];
  /** Signal levels abar in (0, 1] directly. */
  abars?: number[];
  /** Real trees per noise level. */
  n: number;
  seed: number;
  /** For `times`; default linear (T = 1000). */
  schedule?: NoiseSchedule | ScheduleConfig;
}

export interface ForwardBackwardRow {
  /** The continuous time, or null when the level was given as abar. */
  t: number | null;
  abar: number;
  /** P(root class of the exact posterior draw = root class of the real tree). */
  classAgreement: number;
  /** l = 0..L: fraction of level-l symbols unchanged (index 0 = classAgreement). */
  levelAgreement: number[];
}

/**
 * Forward-backward experiment (Sclocchi, Favero, Wyart 2025): sample real trees,
 * noise their leaves to level abar, draw one exact joint posterior tree
 * x_0 ~ p(tree | x_t) by BP posterior sampling, and count what survived at every
 * level. The same real trees are used at every level, each level with fresh noise.
 */
export function forwardBackward(o: ForwardBackwardOptions): ForwardBackwardRow[] {
  const g = o.grammar;
  const L = g.depth;
  const d = leafCount(g);
  const S = g.vocab[L];
  if (!Number.isInteger(o.n) || o.n < 1) throw new InputError("n", `must be a positive integer, got ${o.n}`);
  if ((o.times === undefined) === (o.abars === undefined))
    throw new InputError("times", "give exactly one of times (u in [0, 1]) or abars (signal levels in (0, 1])");
  const schedule =
    o.schedule === undefined
      ? makeSchedule({ kind: "linear", T: 1000 })
      : "abar" in o.schedule
        ? o.schedule
        : makeSchedule(o.schedule);
  const levels = o.times
    ? o.times.map((t) => ({ t, abar: schedule.abarAt(t) }))
    : o.abars!.map((abar) => ({ t: null, abar }));
  const rng = new Rng(o.seed);
  const real = sample(g, o.n, rng.fork(), { tree: true });
  const tree = real.tree!;
  return levels.map(({ t, abar }) => {
    checkAbar(abar);
    const noise = rng.fork();
    const input = noisy(o.process, real.x, o.n, d, S, abar, noise);
    const ev = stateEvidence(input);
    const res = runBP(g, ev, { downward: false, messages: true });
    const drawn = posteriorSample(g, ev, noise, res);
    const levelAgreement: number[] = [];
    for (let l = 0; l <= L; l++) {
      let same = 0;
      for (let i = 0; i < tree[l].length; i++) if (drawn[l][i] === tree[l][i]) same++;
      levelAgreement.push(same / tree[l].length);
    }
    return { t, abar, classAgreement: levelAgreement[0], levelAgreement };
  });
}

function noisy(
  process: DiffusionProcess,
  x0: Int32Array,
  n: number,
  d: number,
  S: number,
  abar: number,
  rng: Rng,
): DenoiserInput {
  switch (process) {
    case "vp":
      return { process, batch: n, d, S, abar, xt: qSampleVP(x0, S, abar, rng) };
    case "uniform":
      return { process, batch: n, d, S, abar, xt: qSampleUniform(x0, S, abar, rng) };
    case "mask":
      return { process, batch: n, d, S, abar, xt: qSampleMask(x0, S, abar, rng) };
    default:
      throw new InputError("process", `must be "vp", "uniform" or "mask", got ${JSON.stringify(process)}`);
  }
}
