import { InputError } from "@ghmkit/ghm";
import { cosineSchedule } from "./cosine";
import { linearSchedule } from "./linear";
import type { NoiseSchedule, ScheduleConfig } from "./schedule";

export * from "./schedule";
export * from "./linear";
export * from "./cosine";

/** Rebuild a schedule from its saved configuration. */
export function makeSchedule(config: ScheduleConfig): NoiseSchedule {
  switch (config.kind) {
    case "linear":
      return linearSchedule(config);
    case "cosine":
      return cosineSchedule(config);
    default:
      throw new InputError(
        "config.kind",
        `schedule kind must be "linear" or "cosine", got ${JSON.stringify((config as { kind: unknown }).kind)}`,
      );
  }
}
