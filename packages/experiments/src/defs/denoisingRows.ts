/**
 * Result rows of one trained denoiser (shared by `denoising` and
 * `denoising-sample-complexity`): one row for the mixed-noise test set (abar drawn
 * in the training range) and one per fixed evaluation level, each with the
 * population values (fresh test draws, some of them training sequences), the
 * unseen values (test sequences that are not training sequences) and how the two
 * relate (overlap, unseen count).
 *
 * excess = MSE / Bayes MSE - 1 on the UNSEEN set (null when it is empty);
 * excessPop = the same on the population set.
 */
import type { EvalRecord } from "@ghmkit/train";
import type { Row } from "../types";

type LevelLike = { abar: number; mse: number; bayesMse: number; ratio: number };

/** The rows of one evaluation; `base` (job parameters) is copied into each. */
export function denoiserRows(base: Row, e: EvalRecord): Row[] {
  const held = {
    overlap: e.overlap,
    unseenCount: e.unseenCount,
    unseenRequested: e.unseenRequested,
    trainS: e.elapsedS,
  };
  const u = e.unseen;
  const mixed: Row = {
    ...base,
    noise: "mixed",
    abar: null,
    mse: e.mse!,
    bayesMse: e.bayesMse!,
    ratio: e.ratio!,
    excessPop: e.ratio! - 1,
    unseenMse: u?.mse ?? null,
    unseenBayesMse: u?.bayesMse ?? null,
    unseenRatio: u?.ratio ?? null,
    excess: u?.ratio !== undefined ? u.ratio - 1 : null,
    ...held,
  };
  const unseenLevels = new Map<number, LevelLike>((u?.levels ?? []).map((l) => [l.abar, l]));
  const fixed: Row[] = (e.levels ?? []).map((l) => {
    const ul = unseenLevels.get(l.abar);
    return {
      ...base,
      noise: "fixed",
      abar: l.abar,
      mse: l.mse,
      bayesMse: l.bayesMse,
      ratio: l.ratio,
      excessPop: l.ratio - 1,
      unseenMse: ul?.mse ?? null,
      unseenBayesMse: ul?.bayesMse ?? null,
      unseenRatio: ul?.ratio ?? null,
      excess: ul ? ul.ratio - 1 : null,
      ...held,
    };
  });
  return [mixed, ...fixed];
}

/** The value fields of denoiserRows, for aggregateSeeds. */
export const DENOISER_FIELDS = [
  "mse",
  "bayesMse",
  "ratio",
  "excessPop",
  "unseenMse",
  "unseenBayesMse",
  "unseenRatio",
  "excess",
  "overlap",
  "unseenCount",
  "trainS",
];
