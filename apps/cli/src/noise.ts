import { type Command, Option } from "commander";
import { type Evidence, type Grammar, type Noise, noisyEvidence, Rng, type SampleBatch } from "@ghmkit/ghm";
import { asUserInput, UserError } from "./errors";
import { floatArg, intArg } from "./options";

export type NoiseKind = "exact" | "gaussian" | "uniform" | "mask";

export interface NoiseFlags {
  noise: NoiseKind;
  alpha: number;
  sigma: number;
  keep: number;
  maskRate: number;
  noiseSeed: number;
}

/** The observation-model flags shared by classify and denoise (SPEC.md section 2). */
export function addNoiseOptions(cmd: Command, defaultKind: NoiseKind): Command {
  return cmd
    .addOption(
      new Option("--noise <kind>", "observation model of the leaves")
        .choices(["exact", "gaussian", "uniform", "mask"])
        .default(defaultKind),
    )
    .option(
      "--alpha <a>",
      "gaussian: signal scale in z = alpha onehot + sigma g",
      floatArg(0, Infinity, { exclusiveMin: true }),
      1,
    )
    .option("--sigma <s>", "gaussian: noise std", floatArg(0, Infinity, { exclusiveMin: true }), 1)
    .option("--keep <q>", "uniform: probability a leaf keeps its symbol", floatArg(0, 1), 0.5)
    .option("--mask-rate <r>", "mask: probability a leaf is masked", floatArg(0, 1), 0.5)
    .option("--noise-seed <n>", "noise seed", intArg(0), 1);
}

/** Which observation model each noise parameter belongs to (its option key, its flag). */
const NOISE_PARAMS: [keyof NoiseFlags, string, NoiseKind[]][] = [
  ["alpha", "--alpha", ["gaussian"]],
  ["sigma", "--sigma", ["gaussian"]],
  ["keep", "--keep", ["uniform"]],
  ["maskRate", "--mask-rate", ["mask"]],
  ["noiseSeed", "--noise-seed", ["gaussian", "uniform", "mask"]],
];

/** Noise flags the user typed (not defaults). */
export function givenNoiseFlags(cmd: Command): string[] {
  return ["noise", ...NOISE_PARAMS.map(([key]) => key)]
    .filter((key) => cmd.getOptionValueSource(key) === "cli")
    .map((key) => (key === "noise" ? "--noise" : NOISE_PARAMS.find(([k]) => k === key)![1]));
}

/** A noise parameter typed for another observation model is a mistake, not something to ignore. */
export function checkNoiseFlags(cmd: Command, f: NoiseFlags): void {
  for (const [key, flag, kinds] of NOISE_PARAMS) {
    if (cmd.getOptionValueSource(key) === "cli" && !kinds.includes(f.noise)) {
      throw new UserError(
        `${flag} applies to --noise ${kinds.join("|")} only, not to --noise ${f.noise}${f.noise === "exact" ? " (exact leaves have no noise)" : ""}: drop ${flag} or change --noise`,
      );
    }
  }
}

/** The noise model the flags describe (ghm's one noisy-evidence builder takes it). */
export function noiseFromFlags(f: NoiseFlags): Noise {
  switch (f.noise) {
    case "exact":
      return { kind: "exact" };
    case "gaussian":
      return { kind: "gaussian", alpha: f.alpha, sigma: f.sigma };
    case "uniform":
      return { kind: "uniform", keep: f.keep };
    case "mask":
      return { kind: "mask", keep: 1 - f.maskRate };
  }
}

/** Corrupts the clean leaves of `data` and returns the evidence BP (and nets) see. */
export function noisyEvidenceOf(g: Grammar, data: SampleBatch, f: NoiseFlags): Evidence {
  const S = g.vocab[g.depth];
  return asUserInput(
    "noise",
    () => noisyEvidence(data.x, data.n, data.d, S, noiseFromFlags(f), new Rng(f.noiseSeed)).evidence,
  );
}

export function describeNoise(f: NoiseFlags): string {
  switch (f.noise) {
    case "exact":
      return "exact leaves";
    case "gaussian":
      return `gaussian alpha=${f.alpha} sigma=${f.sigma}`;
    case "uniform":
      return `uniform keep=${f.keep}`;
    case "mask":
      return `mask rate=${f.maskRate}`;
  }
}
