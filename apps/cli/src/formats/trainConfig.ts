import { type TrainConfigOverrides, trainConfigOverridesSchema } from "@ghmkit/train";
import { parseWith } from "./schema";

/**
 * A `ghm train --config` file: any subset of TrainConfig's fields, no unknown ones,
 * checked by train's own schema (its partial form); the rules that relate fields are
 * checked once the file is merged over the defaults, naming the field the same way.
 */
export function parseTrainConfigFile(json: unknown, what: string): TrainConfigOverrides {
  return parseWith(trainConfigOverridesSchema, json, what);
}
