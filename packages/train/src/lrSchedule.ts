import type { TrainConfig } from "./config";

/**
 * Learning rate of optimisation step `step` (0-based): linear warm-up to the peak
 * over warmupSteps, then constant or a half-cosine down to lr * minLrFrac at maxSteps.
 */
export function learningRate(cfg: Pick<TrainConfig, "optimizer" | "maxSteps">, step: number): number {
  const { lr, schedule, warmupSteps, minLrFrac } = cfg.optimizer;
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  if (schedule === "constant") return lr;
  const span = Math.max(1, cfg.maxSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return lr * (minLrFrac + (1 - minLrFrac) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
