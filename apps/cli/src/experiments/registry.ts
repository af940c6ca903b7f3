/** The experiments of `ghm experiment`, in the order of the suite. */
import { UserError } from "../errors";
import { phaseTransition } from "./defs/phaseTransition";
import type { AnyExperiment } from "./types";

export const EXPERIMENTS: readonly AnyExperiment[] = [phaseTransition];

export function getExperiment(name: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e) throw new UserError(`unknown experiment "${name}"; choose one of ${EXPERIMENTS.map((x) => x.name).join(", ")}`);
  return e;
}
