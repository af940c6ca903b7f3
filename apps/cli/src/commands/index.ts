import type { Command } from "commander";
import type { Context } from "../program";
import { registerGrammar } from "./grammar";
import { registerSample } from "./sample";
import { registerBP } from "./bp";
import { registerBayes } from "./bayes";
import { registerDemo } from "./demo";
import { registerDiffuse } from "./diffuse";
import { registerTrain } from "./train";
import { registerBench } from "./bench";
import { registerCompile } from "./compile";
import { registerEval } from "./eval";
import { registerExperiment } from "./experiment";

export type Register = (program: Command, ctx: Context) => void;

export const commands: Register[] = [
  registerGrammar,
  registerSample,
  registerBP,
  registerBayes,
  registerTrain,
  registerEval,
  registerCompile,
  registerDiffuse,
  registerDemo,
  registerExperiment,
  registerBench,
];
