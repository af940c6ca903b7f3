import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { Grammar, leafCount } from "@ghmkit/ghm";
import { loadModel, META_JSON } from "@ghmkit/nets";
import { disposeTest, evaluate, latestCheckpoint, makeStreams, makeTestData, makeTrainConfig, prepareTest, runPaths, TrainConfig } from "@ghmkit/train";
import type { Context } from "../program";
import { backendOption, useBackend } from "../backend";
import { asUserInput, UserError } from "../errors";
import { readJsonFile } from "../io";
import { floatListArg, intArg } from "../options";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";

/** `ghm eval`: score a trained model on a fresh test set next to the Bayes values of exact BP. */
export function registerEval(program: Command, ctx: Context): void {
  program
    .command("eval")
    .description("evaluate a trained model (run or model directory) against the Bayes optimum on a held-out test set")
    .requiredOption("--model <dir>", "a training run directory (latest checkpoint) or a saved model directory")
    .option("--grammar <file>", "ghm/v1 grammar (default: the run's grammar.json; required for a bare model directory)")
    .option("--test-size <n>", "test sequences", intArg(1))
    .option("--seed-data <n>", "test data seed (default: the run's)", intArg(0))
    .option("--seed-noise <n>", "test noise seed (default: the run's)", intArg(0))
    .option("--abar <list>", "denoiser: also evaluate at these signal levels", floatListArg(0, 1))
    .addOption(backendOption())
    .action(async (o, cmd: Command) => {
      const { modelDir, runConfig, runGrammar } = locate(o.model);
      await useBackend(o.backend);
      const { model, meta } = await loadModel(modelDir).catch((e: Error) => {
        throw new UserError(`--model ${o.model}: ${e.message}`);
      });
      try {
        const grammarFile = o.grammar ?? runGrammar;
        if (!grammarFile) throw new UserError(`--model ${o.model} is a bare model directory: give --grammar (the grammar it was trained on)`);
        const g = loadGrammar(grammarFile);
        checkShapes(g, model.inputs[0].shape as number[], o.model);
        const base: TrainConfig = runConfig ?? asUserInput("--model", () => makeTrainConfig(meta.task, meta.arch, { grammar: { kind: "file", path: grammarFile } }));
        const cfg = asUserInput("eval options", () =>
          makeTrainConfig(base.task, base.arch, {
            ...base,
            grammar: { kind: "file", path: grammarFile },
            data: { ...base.data, ...(o.testSize ? { testSize: o.testSize } : {}) },
            seeds: { ...base.seeds, ...(o.seedData !== undefined ? { data: o.seedData } : {}), ...(o.seedNoise !== undefined ? { noise: o.seedNoise } : {}) },
            ...(o.abar ? { evalAbar: o.abar } : {}),
          }),
        );
        const test = prepareTest(g, cfg.task, makeTestData(g, cfg, makeStreams(cfg)));
        try {
          const m = await evaluate(model, g, cfg.task, test, cfg.evalBatchSize);
          const out = { model: modelDir, arch: meta.arch, task: meta.task, testSize: cfg.data.testSize, noise: cfg.noise, ...m };
          report(ctx.con, ctx.flags(cmd), out, () =>
            [
              `${meta.arch} ${meta.task} from ${modelDir}, ${cfg.data.testSize} test sequences`,
              m.accuracy !== undefined
                ? table(["accuracy", "Bayes accuracy", "cross-entropy", "Bayes CE", "gap"], [[fmt(m.accuracy), fmt(m.bayesAccuracy ?? NaN), fmt(m.crossEntropy), fmt(m.bayesCrossEntropy), fmt(m.gap)]])
                : table(
                    ["abar", "MSE", "Bayes MSE", "MSE / Bayes"],
                    [["mixed", fmt(m.mse ?? NaN), fmt(m.bayesMse ?? NaN), fmt(m.ratio ?? NaN)], ...(m.levels ?? []).map((l) => [l.abar, fmt(l.mse), fmt(l.bayesMse), fmt(l.ratio)])],
                  ),
            ].join("\n"),
          );
        } finally {
          disposeTest(test);
        }
      } finally {
        model.dispose();
      }
    });
}

function locate(dir: string): { modelDir: string; runConfig?: TrainConfig; runGrammar?: string } {
  if (!fs.existsSync(dir)) throw new UserError(`--model ${dir}: no such directory`);
  if (fs.existsSync(path.join(dir, META_JSON))) return { modelDir: dir };
  const paths = runPaths(dir);
  if (!fs.existsSync(paths.config)) throw new UserError(`--model ${dir}: neither a model directory (no ${META_JSON}) nor a training run (no config.json)`);
  const ckpt = latestCheckpoint(dir);
  if (!ckpt) throw new UserError(`--model ${dir}: the run has no checkpoint yet`);
  return {
    modelDir: path.join(ckpt, "model"),
    runConfig: readJsonFile(paths.config, "--model") as TrainConfig,
    runGrammar: fs.existsSync(paths.grammar) ? paths.grammar : undefined,
  };
}

function checkShapes(g: Grammar, shape: number[], dir: string): void {
  const [, d, S] = shape;
  if (d !== leafCount(g) || S !== g.vocab[g.depth]) {
    throw new UserError(`--model ${dir} takes d = ${d}, S = ${S}; the grammar has d = ${leafCount(g)}, S_L = ${g.vocab[g.depth]}: use the grammar it was trained on`);
  }
}
