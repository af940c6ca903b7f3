/**
 * Everything a run needs before its first step: the grammar, the run directory,
 * data streams, the test set with its Bayes values, the model and the optimizer,
 * either fresh or restored from the latest checkpoint.
 */
import { InputError } from "@ghmkit/ghm";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Grammar, grammarFingerprint, leafCount, randomRhm, readGrammarFile, writeGrammarFile } from "@ghmkit/ghm";
import { buildModel, compileBPModel, configFromGrammar } from "@ghmkit/nets";
import type { ModelMeta, NetConfig } from "@ghmkit/nets";
import { backendInfo, tf } from "@ghmkit/tensor";
import { ScheduledAdam } from "./adam";
import { writeJsonAtomic } from "@ghmkit/ghm";
import { type LoopState, latestCheckpoint, loadCheckpoint } from "./checkpoint";
import type { GrammarSpec, TrainConfig } from "./config";
import { BatchStream, makeStreams, makeTestData } from "./data";
import { type PreparedTest, disposeTest, prepareTest } from "./evaluate";
import { fixedHeldOut, type HeldOutData, onlineHeldOut } from "./heldOut";
import { truncateMetrics } from "./metricsLog";
import { resolvePrefetch } from "./prefetch";
import { StepPool, resolveThreads } from "./stepPool";

/** Files of a run directory. */
export function runPaths(outDir: string) {
  return {
    config: path.join(outDir, "config.json"),
    grammar: path.join(outDir, "grammar.json"),
    bayes: path.join(outDir, "bayes.json"),
    metrics: path.join(outDir, "metrics.jsonl"),
    result: path.join(outDir, "result.json"),
    /** The fixed training set (data.trainSize > 0), ghm-data/v1, for copy-fraction measures. */
    train: path.join(outDir, "train.json"),
  };
}

/**
 * The fixed training set in the CLI's data format (ghm-data/v1, without trees):
 * `ghm diffuse --train RUN_DIR` reads it to count generated samples that copy it.
 */
export function trainingSetJson(set: { x: Int32Array; y: Int32Array }, n: number, d: number) {
  const x = Array.from({ length: n }, (_, b) => Array.from(set.x.subarray(b * d, (b + 1) * d)));
  return { format: "ghm-data/v1", n, d, x, y: Array.from(set.y) };
}

export function loadGrammar(spec: GrammarSpec): Grammar {
  if (spec.kind === "file") return readGrammarFile(spec.path);
  const { kind: _k, ...options } = spec;
  void _k;
  return randomRhm(options);
}

export interface Run extends StepState {
  cfg: TrainConfig;
  outDir: string;
  g: Grammar;
  model: tf.LayersModel;
  meta: ModelMeta;
  vars: tf.Variable[];
  /** Per entry of vars: 1 where the weight trains, 0 where it is held at 0 (net.init "compiled" with initMask); null: all train. */
  masks: tf.Tensor[] | null;
  opt: ScheduledAdam;
  stream: BatchStream;
  /** Population and unseen test data (heldOut always set). */
  test: PreparedTest;
  /** grammarFingerprint(g), also in the saved models' meta.extra and in result.json. */
  fingerprint: string;
  loop: LoopState;
  /** The checkpoint this process started from (null for a fresh run). */
  resumedFrom: string | null;
  dispose(): void;
}

/** Fields a resumed run may change: they decide when to stop, not what a step computes. */
// threads changes only the float32 summation order of a step's gradient, so a run may resume on another machine;
// prefetch changes no number at all (the worker draws the very batches this thread would).
const RESUME_MAY_CHANGE = ["maxSteps", "earlyStop", "evalBatchSize", "threads", "prefetch"];

function checkResumeConfig(saved: TrainConfig, cfg: TrainConfig, file: string): void {
  for (const key of Object.keys({ ...saved, ...cfg }) as (keyof TrainConfig)[]) {
    if (RESUME_MAY_CHANGE.includes(key)) continue;
    if (JSON.stringify(saved[key]) !== JSON.stringify(cfg[key])) {
      throw new InputError(
        `config.${key}`,
        `differs from the run being resumed (${file} has ${JSON.stringify(saved[key])}, given ${JSON.stringify(cfg[key])}); ` +
          `a resumed run must keep its configuration (only ${RESUME_MAY_CHANGE.join(", ")} may change)`,
        "use resumeRun(outDir) or a new outDir",
      );
    }
  }
}

type Compiled = ReturnType<typeof compileBPModel>;

/** The network config of cfg on g, and with net.init "compiled" the compiled network and its gradient masks. */
function netFor(
  cfg: TrainConfig,
  g: Grammar,
): { compiled: Compiled | null; masks: tf.Tensor[] | null; netConfig: ModelMeta["config"] } {
  // net.init "compiled": the grammar's BP weights in this same architecture (nets' compileBPModel).
  const compiled =
    cfg.net.init === "compiled"
      ? compileBPModel(g, cfg.task, {
          seed: cfg.seeds.init,
          ...(cfg.net.initApproxWidth !== undefined ? { approxWidth: cfg.net.initApproxWidth } : {}),
        })
      : null;
  // initMask (default with "compiled"): 1 where the compiled weight is non-zero; the zeros stay 0 (trainer masks their gradients).
  const masks =
    compiled && (cfg.net.initMask ?? true)
      ? compiled.model.trainableWeights.map((w) => tf.tidy(() => tf.cast(tf.notEqual(w.read(), 0), "float32")))
      : null;
  const { init: _init, initNoise: _initNoise, initApproxWidth: _initApproxWidth, ...netFields } = cfg.net;
  void _init;
  void _initApproxWidth;
  void _initNoise;
  const netConfig = compiled ? compiled.config : configFromGrammar(g, { ...netFields, seed: cfg.seeds.init });
  return { compiled, masks, netConfig };
}

/** The starting weights of a fresh run: seeded, or the compiled network (with net.initNoise on the entries that train). */
function freshModel(
  cfg: TrainConfig,
  compiled: Compiled | null,
  masks: tf.Tensor[] | null,
  netConfig: ModelMeta["config"],
): tf.LayersModel {
  const model = compiled ? compiled.model : buildModel(cfg.arch, cfg.task, netConfig);
  if (compiled && (cfg.net.initNoise ?? 0) > 0) {
    const sd = cfg.net.initNoise ?? 0;
    const noisy = tf.tidy(() =>
      model.getWeights().map((w, i) => {
        const eps = tf.randomNormal(w.shape, 0, sd, "float32", cfg.seeds.init * 1009 + i);
        return tf.add(w, masks ? tf.mul(eps, masks[i]) : eps);
      }),
    );
    model.setWeights(noisy);
    tf.dispose(noisy);
  }
  return model;
}

function makeOptimizer(cfg: TrainConfig): ScheduledAdam {
  const o = cfg.optimizer;
  return new ScheduledAdam(o.lr, o.beta1, o.beta2, o.epsilon);
}

/** What one training step reads and updates (a Run has all of it). */
export interface StepState {
  cfg: TrainConfig;
  g: Grammar;
  model: tf.LayersModel;
  /** The optimizer's variables, in the order its moments are kept. */
  vars: tf.Variable[];
  masks: tf.Tensor[] | null;
  opt: ScheduledAdam;
  /** Worker threads sharing each step (cfg.threads); null or absent: the step runs on this thread alone. */
  pool?: StepPool | null;
}

/**
 * The step's worker threads for cfg.threads on the active backend, or null for one thread.
 * Workers that cannot start leave training on one thread, with a one-line notice.
 */
function startPool(cfg: TrainConfig, g: Grammar, model: tf.LayersModel, netConfig: NetConfig): StepPool | null {
  const backend = backendInfo()?.name ?? null;
  if (backend === null || backend === "webgl") return null;
  const threads = resolveThreads(
    cfg.threads,
    backend,
    cfg.batchSize,
    leafCount(g) * netConfig.width ** 2 * cfg.batchSize,
  );
  if (threads < 2) return null;
  const init = { backend, arch: cfg.arch, task: cfg.task, netConfig, classes: g.vocab[0], S: g.vocab[g.depth] };
  try {
    return StepPool.start(threads, init, model);
  } catch (err) {
    console.warn(
      `ghm train: ${threads} threads unavailable (${err instanceof Error ? err.message : String(err)}); training on one thread`,
    );
    return null;
  }
}

/**
 * A fresh run's training state without a run directory, test set or checkpoints: the
 * grammar, network, gradient masks, optimizer and batch stream that `openRun` builds for
 * step 1, built by the same code. For benchmarks of `ghm train`'s step (@ghmkit/bench).
 */
export interface TrainingState extends StepState {
  stream: BatchStream;
  dispose(): void;
}

export function openTrainingState(cfg: TrainConfig): TrainingState {
  const g = loadGrammar(cfg.grammar);
  const stream = new BatchStream(g, cfg, makeStreams(cfg));
  const { compiled, masks, netConfig } = netFor(cfg, g);
  const model = freshModel(cfg, compiled, masks, netConfig);
  const opt = makeOptimizer(cfg);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const pool = startPool(cfg, g, model, netConfig);
  // From the first batch, the worker loaded: a benchmark of the step times the steady state, whatever its length.
  if (resolvePrefetch(cfg.prefetch)) stream.prefetch({ waitForStart: true });
  return {
    cfg,
    g,
    model,
    vars,
    masks,
    opt,
    pool,
    stream,
    dispose() {
      stream.dispose();
      pool?.dispose();
      opt.dispose();
      if (masks) tf.dispose(masks);
      model.dispose();
    },
  };
}

export async function openRun(cfg: TrainConfig, outDir: string, resume: boolean): Promise<Run> {
  const paths = runPaths(outDir);
  const ckptDir = fs.existsSync(outDir) ? latestCheckpoint(outDir) : null;
  if (!resume && (ckptDir !== null || fs.existsSync(paths.metrics))) {
    throw new InputError(
      "outDir",
      `outDir ${outDir} already holds a training run`,
      `resume it (resume: true / --resume) or choose another directory`,
    );
  }
  fs.mkdirSync(outDir, { recursive: true });
  if (ckptDir !== null && fs.existsSync(paths.config)) {
    checkResumeConfig(JSON.parse(fs.readFileSync(paths.config, "utf8")) as TrainConfig, cfg, paths.config);
  }
  // A resumed run reads the grammar it was trained on, wherever the original file went.
  const g =
    ckptDir !== null && fs.existsSync(paths.grammar) ? readGrammarFile(paths.grammar) : loadGrammar(cfg.grammar);
  writeJsonAtomic(paths.config, cfg);
  writeGrammarFile(paths.grammar, g);

  const streams = makeStreams(cfg);
  const testData = makeTestData(g, cfg, streams);
  const stream = new BatchStream(g, cfg, streams);
  // The training set decides which test rows are seen: fixed, it is compared once; online, the stream reports its draws.
  const heldOut: HeldOutData = stream.fixed
    ? fixedHeldOut(g, cfg, streams, testData, { x: stream.fixed.x, n: cfg.data.trainSize })
    : onlineHeldOut(testData);
  const test = prepareTest(g, cfg.task, testData, heldOut);
  if (stream.fixed) writeJsonAtomic(paths.train, trainingSetJson(stream.fixed, cfg.data.trainSize, leafCount(g)));
  const u = test.heldOut?.kind === "fixed" ? test.heldOut.unseen : null;
  writeJsonAtomic(paths.bayes, {
    testSize: cfg.data.testSize,
    main: test.main.bayes,
    levels: test.levels.map((l) => ({ abar: l.abar, ...l.prepared.bayes })),
    ...(u
      ? {
          unseen: {
            n: u.main.set.n,
            main: u.main.bayes,
            levels: u.levels.map((l) => ({ abar: l.abar, ...l.prepared.bayes })),
          },
        }
      : {}),
  });

  const fingerprint = grammarFingerprint(g);
  const { compiled, masks, netConfig } = netFor(cfg, g);
  const meta: ModelMeta = {
    arch: cfg.arch,
    task: cfg.task,
    config: netConfig,
    extra: {
      grammar: cfg.grammar,
      grammarFingerprint: fingerprint,
      noise: cfg.noise,
      ...(cfg.diffusion ? { diffusion: cfg.diffusion } : {}),
    },
  };
  const opt = makeOptimizer(cfg);
  let model: tf.LayersModel;
  let loop: LoopState;
  if (ckptDir !== null) {
    const ck = await loadCheckpoint(ckptDir);
    if (
      JSON.stringify(ck.meta.config) !== JSON.stringify(netConfig) ||
      ck.meta.arch !== cfg.arch ||
      ck.meta.task !== cfg.task
    ) {
      ck.model.dispose();
      throw new InputError(
        `${ckptDir}`,
        `checkpoint ${ckptDir} holds a ${ck.meta.arch} ${ck.meta.task} with another network config than config.net`,
        `resume with the run's own config.json`,
      );
    }
    compiled?.model.dispose();
    model = ck.model;
    await opt.loadState(
      ck.optimizer,
      model.trainableWeights.map((w) => w.shape as number[]),
    );
    stream.setState(ck.loop.stream);
    loop = ck.loop;
    truncateMetrics(paths.metrics, loop.step);
  } else {
    model = freshModel(cfg, compiled, masks, netConfig);
    fs.rmSync(paths.metrics, { force: true });
    loop = {
      step: 0,
      stream: stream.getState(),
      best: null,
      bestStep: 0,
      badEvals: 0,
      lossSum: 0,
      lossCount: 0,
      elapsedS: 0,
    };
  }
  // After setState: the watcher replays the draws up to the checkpoint, then follows new ones.
  if (heldOut.kind === "online") stream.watchTest(heldOut.watcher);
  // The optimizer's moments are matched to weights by position, so the list is fixed once here.
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const pool = startPool(cfg, g, model, netConfig);
  // Last, after everything that can throw: a run that opens is disposed (trainRun's finally), so the worker ends with it.
  if (cfg.prefetch === true) stream.prefetch();
  else if (resolvePrefetch(cfg.prefetch)) stream.prefetchWhenWorthIt(cfg.maxSteps - loop.step);
  return {
    cfg,
    outDir,
    g,
    model,
    meta,
    vars,
    masks,
    opt,
    pool,
    stream,
    test,
    fingerprint,
    loop,
    resumedFrom: ckptDir,
    dispose() {
      stream.dispose();
      pool?.dispose();
      disposeTest(test);
      opt.dispose();
      if (masks) tf.dispose(masks);
      model.dispose();
    },
  };
}
