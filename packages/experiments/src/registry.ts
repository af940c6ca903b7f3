/** The experiments of `ghm experiment`, in the order of the suite. */
import { ExperimentError } from "./errors";
import { approximation } from "./defs/approximation";
import { classification } from "./defs/classification";
import { diffusion } from "./defs/diffusion";
import { denoising } from "./defs/denoising";
import { denoisingSampleComplexity } from "./defs/denoisingSampleComplexity";
import { phaseTransition } from "./defs/phaseTransition";
import { sampleComplexity } from "./defs/sampleComplexity";
import type { AnyExperiment } from "./types";

export const EXPERIMENTS: readonly AnyExperiment[] = [
  classification,
  denoising,
  denoisingSampleComplexity,
  sampleComplexity,
  approximation,
  diffusion,
  phaseTransition,
];

export function getExperiment(name: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e)
    throw new ExperimentError(
      `unknown experiment "${name}"; choose one of ${EXPERIMENTS.map((x) => x.name).join(", ")}`,
    );
  return e;
}
