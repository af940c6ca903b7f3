/**
 * Checking a whole configuration: its one schema (configSchema.ts), whose first
 * problem is thrown as an InputError naming `config.<field>` and how to fix it; a run
 * never starts on a configuration that would produce NaN or cannot fit.
 */
import { type TrainConfig, checkWith, trainConfigSchema } from "./configSchema";

export { MAX_DIFFUSION_STEPS, MAX_SAMPLES } from "./configSchema";

export function validateTrainConfig(cfg: TrainConfig): void {
  checkWith(trainConfigSchema, cfg);
}
