import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { type Grammar, leafCount } from "@ghmkit/ghm";
import { loadModel, META_JSON } from "@ghmkit/nets";
import {
  BatchStream,
  disposeTest,
  evaluate,
  evaluatePopulation,
  fixedHeldOut,
  type HeldOutData,
  latestCheckpoint,
  makeStreams,
  makeTestData,
  makeTrainConfig,
  onlineHeldOut,
  prepareTest,
  runPaths,
  type SetMetrics,
  type TestData,
  type TrainConfig,
} from "@ghmkit/train";
import type { Context } from "../program";
import { announceBackend, backendOption, useBackend } from "../backend";
import { asUserInput, asUserInputAsync, UserError } from "../errors";
import { readJsonFile } from "../io";
import { floatListArg, intArg } from "../options";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { parseDataFile } from "../formats/data";
import { grammarForModel, mismatchLine } from "../modelGrammar";

/** `ghm eval`: score a trained model on a fresh test set next to the Bayes values of exact BP. */
export function registerEval(program: Command, ctx: Context): void {
  program
    .command("eval")
    .description(
      "evaluate a trained model (run or model directory) against the Bayes optimum, on a population test set and on sequences unseen in training",
    )
    .requiredOption("--model <dir>", "a training run directory (latest checkpoint) or a saved model directory")
    .option(
      "--grammar <file>",
      "ghm/v1 grammar (default: the run's grammar.json; required for a bare model directory); refused when it is not the model's grammar",
    )
    .option(
      "--allow-grammar-mismatch",
      "evaluate on --grammar even when it is not the grammar the model was trained on (recorded as grammarMismatch)",
    )
    .option("--test-size <n>", "test sequences (default: the run's data.testSize)", intArg(1))
    .option("--seed-data <n>", "test data seed (default: the run's)", intArg(0))
    .option("--seed-noise <n>", "test noise seed (default: the run's)", intArg(0))
    .option(
      "--abar <list>",
      "denoiser: also evaluate at these signal levels (default: the run's eval levels)",
      floatListArg(0, 1),
    )
    .addOption(backendOption())
    .action(async (o, cmd: Command) => {
      const flags = ctx.flags(cmd);
      const { modelDir, runDir, runConfig } = locate(o.model);
      const chosen = grammarForModel({
        grammar: o.grammar,
        model: o.model,
        modelFlag: "--model",
        allowMismatch: o.allowGrammarMismatch,
        warn: (l) => flags.quiet || ctx.con.err(l),
      });
      const { g, file: grammarFile } = chosen;
      announceBackend(ctx.con, flags, await useBackend(o.backend));
      const { model, meta } = await asUserInputAsync(`--model ${o.model}`, () => loadModel(modelDir));
      try {
        checkShapes(g, model.inputs[0].shape as number[], o.model);
        const base: TrainConfig =
          runConfig ??
          asUserInput("--model", () =>
            makeTrainConfig(meta.task, meta.arch as TrainConfig["arch"], {
              grammar: { kind: "file", path: grammarFile },
            }),
          );
        const cfg = asUserInput("eval options", () =>
          makeTrainConfig(base.task, base.arch, {
            ...base,
            grammar: { kind: "file", path: grammarFile },
            data: { ...base.data, ...(o.testSize ? { testSize: o.testSize } : {}) },
            seeds: {
              ...base.seeds,
              ...(o.seedData !== undefined ? { data: o.seedData } : {}),
              ...(o.seedNoise !== undefined ? { noise: o.seedNoise } : {}),
            },
            ...(o.abar ? { evalAbar: o.abar } : {}),
          }),
        );
        const streams = makeStreams(cfg);
        const testData = makeTestData(g, cfg, streams);
        const heldOut =
          runDir && runConfig ? trainingHeldOut(g, cfg, streams, testData, runDir, runConfig, modelDir) : null;
        const test = prepareTest(g, cfg.task, testData, heldOut ?? undefined);
        try {
          const m = heldOut
            ? await evaluate(model, g, cfg.task, test, cfg.evalBatchSize)
            : {
                ...(await evaluatePopulation(model, g, cfg.task, test, cfg.evalBatchSize)),
                overlap: null,
                unseenCount: 0,
                unseenRequested: 0,
                unseen: null,
                unseenNote: `unseen is unavailable: ${o.model} is a bare model directory without its training data; evaluate the training run directory instead`,
              };
          const out = {
            model: modelDir,
            arch: meta.arch,
            task: meta.task,
            testSize: cfg.data.testSize,
            noise: cfg.noise,
            grammar: grammarFile,
            grammarFingerprint: chosen.fingerprint,
            ...(chosen.grammarMismatch ? { grammarMismatch: chosen.grammarMismatch } : {}),
            ...m,
          };
          report(ctx.con, flags, out, () =>
            [
              `${meta.arch} ${meta.task} from ${modelDir}, grammar ${grammarFile}`,
              mismatchLine(chosen.grammarMismatch),
              `population: ${cfg.data.testSize} fresh test sequences; ${m.overlap === null ? "overlap with the training set unknown" : `${fmt(100 * m.overlap)}% of them are training sequences (overlap ${fmt(m.overlap)})`}`,
              metricsTable(m),
              m.unseen
                ? `unseen: ${m.unseenCount} of ${m.unseenRequested} requested test sequences, none of them a training sequence`
                : "unseen: none",
              m.unseen ? metricsTable(m.unseen) : "",
              m.unseenNote ? `note: ${m.unseenNote}` : "",
            ]
              .filter(Boolean)
              .join("\n"),
          );
        } finally {
          disposeTest(test);
        }
      } finally {
        model.dispose();
      }
    });
}

/** The accuracy or MSE table of one test set (shared with `ghm train`'s summary). */
export function metricsTable(m: SetMetrics): string {
  return m.accuracy !== undefined
    ? table(
        ["accuracy (per sequence)", "Bayes accuracy", "cross-entropy (nats per sequence)", "Bayes CE", "gap"],
        [[fmt(m.accuracy), fmt(m.bayesAccuracy ?? NaN), fmt(m.crossEntropy), fmt(m.bayesCrossEntropy), fmt(m.gap)]],
      )
    : table(
        ["abar", "MSE (per leaf)", "Bayes MSE (per leaf)", "MSE / Bayes"],
        [
          ["mixed", fmt(m.mse ?? NaN), fmt(m.bayesMse ?? NaN), fmt(m.ratio ?? NaN)],
          ...(m.levels ?? []).map((l) => [l.abar, fmt(l.mse), fmt(l.bayesMse), fmt(l.ratio)]),
        ],
      );
}

/**
 * The run's training set against this test set: its train.json (fixed P), or the
 * sequences drawn up to the evaluated checkpoint, replayed from the run's config (online).
 */
function trainingHeldOut(
  g: Grammar,
  cfg: TrainConfig,
  streams: ReturnType<typeof makeStreams>,
  test: TestData,
  runDir: string,
  runCfg: TrainConfig,
  modelDir: string,
): HeldOutData | null {
  const trainGrammarFile = runPaths(runDir).grammar;
  if (runCfg.data.trainSize > 0) {
    const file = runPaths(runDir).train;
    if (!fs.existsSync(file)) return null;
    const data = parseDataFile(readJsonFile(file, "--model"), g, `--model ${runDir}: ${file}`);
    return fixedHeldOut(g, cfg, streams, test, { x: data.x, n: data.n });
  }
  if (!fs.existsSync(trainGrammarFile)) return null;
  const state = readJsonFile(path.join(path.dirname(modelDir), "state.json"), "--model") as { stream?: unknown };
  const trainG = loadGrammar(trainGrammarFile, `--model ${runDir}:`);
  const stream = new BatchStream(trainG, runCfg, makeStreams(runCfg));
  asUserInput(`--model ${runDir}: checkpoint state`, () =>
    stream.setState(state.stream as Parameters<BatchStream["setState"]>[0]),
  );
  const h = onlineHeldOut(test);
  if (h.kind === "online") stream.watchTest(h.watcher);
  return h;
}

function locate(dir: string): { modelDir: string; runDir?: string; runConfig?: TrainConfig } {
  if (!fs.existsSync(dir)) throw new UserError(`--model ${dir}: no such directory`);
  if (fs.existsSync(path.join(dir, META_JSON))) return { modelDir: dir };
  const paths = runPaths(dir);
  if (!fs.existsSync(paths.config))
    throw new UserError(
      `--model ${dir}: neither a model directory (no ${META_JSON}) nor a training run (no config.json)`,
    );
  const ckpt = latestCheckpoint(dir);
  if (!ckpt) throw new UserError(`--model ${dir}: the run has no checkpoint yet`);
  return {
    modelDir: path.join(ckpt, "model"),
    runDir: dir,
    runConfig: readJsonFile(paths.config, "--model") as TrainConfig,
  };
}

function checkShapes(g: Grammar, shape: number[], dir: string): void {
  const [, d, S] = shape;
  if (d !== leafCount(g) || S !== g.vocab[g.depth]) {
    throw new UserError(
      `--model ${dir} takes d = ${d}, S = ${S}; the grammar has d = ${leafCount(g)}, S_L = ${g.vocab[g.depth]}: use the grammar it was trained on`,
    );
  }
}
