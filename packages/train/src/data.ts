/**
 * Training and test data drawn from the GHM sampler, and the leaf evidence the
 * network sees. Convention (shared with unetDenoiser): the net input is the leaf
 * evidence e of the observation, normalised by nets' `evidenceToNetInput`;
 * for the gaussian model e = (alpha / sigma^2) z with alpha = sqrt(abar),
 * sigma^2 = 1 - abar, so the input carries its own noise level.
 *
 * Streams: the test set comes from the first fork of the data seed and the
 * training set from the second, so the test set does not change with P; the
 * epoch order uses a third fork. Noise draws come from the noise seed (test noise
 * first, then each fixed evaluation level, then training batches). The unseen test
 * set (heldOut.ts) takes a fourth data fork and the noise forks after those, so
 * every older stream, and every number computed from one, is unchanged.
 */
import { type Evidence, type Grammar, type Noise, Rng, leafCount, noisyEvidence, sample } from "@ghmkit/ghm";
import type { NoiseSpec, TrainConfig } from "./config";
import { MAX_SAMPLES } from "./validate";
import { abarSampler } from "./noiseLevel";
import { netInputArray } from "@ghmkit/nets";
import { PREFETCH_DEPTH, PrefetchProbe, Prefetcher } from "./prefetch";

/** A fixed set of sequences with their observation (evidence) and, for noisy data, each row's signal level. */
export interface LabeledSet {
  n: number;
  d: number;
  S: number;
  /** `[n, d]` clean leaf symbols x_0. */
  x: Int32Array;
  /** `[n]` root classes y. */
  y: Int32Array;
  /** Evidence of the observed leaves, `[n, d, S]`. */
  evidence: Evidence;
  /** `[n]` abar per row (gaussian noise), null for exact evidence. */
  abar: Float64Array | null;
}

export interface TestData {
  /** The test set with the configured noise (per-row abar drawn from the range). */
  main: LabeledSet;
  /** The same sequences at each fixed level of `config.evalAbar`. */
  levels: { abar: number; set: LabeledSet }[];
}

/** Evidence of x (`[n, d]`) under the noise model; abar drawn per row by the spec's sampling unless given. */
export function observe(
  x: Int32Array,
  n: number,
  d: number,
  S: number,
  noise: NoiseSpec,
  rng: Rng,
  fixedAbar?: number,
): { evidence: Evidence; abar: Float64Array | null } {
  const model: Noise = noise.kind === "exact" ? noise : { kind: "vp", abar: fixedAbar ?? abarSampler(noise) };
  const { evidence, abar } = noisyEvidence(x, n, d, S, model, rng);
  return { evidence, abar };
}

/** A LabeledSet of the sequences x `[n, d]` with classes y and their observation. */
export function labeledSet(
  g: Grammar,
  x: Int32Array,
  y: Int32Array,
  obs: { evidence: Evidence; abar: Float64Array | null },
): LabeledSet {
  return { n: y.length, d: leafCount(g), S: g.vocab[g.depth], x, y, evidence: obs.evidence, abar: obs.abar };
}

/** Refuses a set whose evidence would not fit before allocating it. */
function checkSize(field: string, n: number, d: number, S: number): void {
  if (n * d > MAX_SAMPLES * 64 || n * d * S > 2 ** 28) {
    throw new RangeError(
      `config.${field}: ${n} samples x d = ${d} x S = ${S} evidence entries (${((n * d * S * 8) / 2 ** 30).toFixed(1)} GiB) do not fit; use fewer samples`,
    );
  }
}

/** The random streams of a run, derived from its seeds in a fixed order. */
export interface Streams {
  test: Rng;
  train: Rng;
  order: Rng;
  testNoise: Rng;
  levelNoise: Rng[];
  trainNoise: Rng;
  /** The unseen test set's sequences (rejection-sampled against the training set). */
  unseen: Rng;
  /** The unseen set's noise, and its noise at each fixed level of config.evalAbar. */
  unseenNoise: Rng;
  unseenLevelNoise: Rng[];
}

export function makeStreams(cfg: TrainConfig): Streams {
  const data = new Rng(cfg.seeds.data);
  const noise = new Rng(cfg.seeds.noise);
  const test = data.fork();
  const train = data.fork();
  const order = data.fork();
  const testNoise = noise.fork();
  const levelNoise = cfg.evalAbar.map(() => noise.fork());
  const trainNoise = noise.fork();
  // Forked after every older stream: adding them changed none of those.
  const unseen = data.fork();
  const unseenNoise = noise.fork();
  const unseenLevelNoise = cfg.evalAbar.map(() => noise.fork());
  return { test, train, order, testNoise, levelNoise, trainNoise, unseen, unseenNoise, unseenLevelNoise };
}

export function makeTestData(g: Grammar, cfg: TrainConfig, streams: Streams): TestData {
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const n = cfg.data.testSize;
  checkSize("data.testSize", n * (1 + cfg.evalAbar.length), d, S);
  const s = sample(g, n, streams.test);
  const main = labeledSet(g, s.x, s.y, observe(s.x, n, d, S, cfg.noise, streams.testNoise));
  const levels = cfg.evalAbar.map((a, j) => ({
    abar: a,
    set: labeledSet(g, s.x, s.y, observe(s.x, n, d, S, cfg.noise, streams.levelNoise[j], a)),
  }));
  return { main, levels };
}

/** One training batch: the net input and the targets (classes y, and leaves x_0 for denoisers). */
export interface Batch {
  n: number;
  d: number;
  S: number;
  /**
   * `[n, d, S]` float32 net input: nets' evidenceToNetInput of the observation
   * `observe(x, ...)` with the training noise stream, on the host (no tensor until the step).
   */
  input: Float32Array;
  x: Int32Array;
  y: Int32Array;
}

/** Resumable position in the training stream. */
export interface BatchStreamState {
  epoch: number;
  /** Next index into this epoch's order. */
  pos: number;
  /** The order stream's state at the start of this epoch (the order is re-derived from it on resume). */
  orderAtEpochStart: number[];
  train: number[];
  order: number[];
  trainNoise: number[];
}

/**
 * Training batches: from a fixed set of P sequences in a fresh random order each
 * epoch (the last partial batch of an epoch is dropped so that every step has the
 * same size), or fresh sequences every step when P = 0. Noise is drawn anew for
 * every batch, so a fixed sequence is seen at many noise levels.
 */
export class BatchStream {
  readonly fixed: { x: Int32Array; y: Int32Array } | null;
  private perm: Int32Array | null = null;
  private st: { epoch: number; pos: number; orderAtEpochStart: number[] };
  /** Online: the train stream's state before the first batch (draws are replayed from it). */
  private readonly trainStart: number[];
  private watcher: { see(x: Int32Array, n: number): void } | null = null;
  /** The worker drawing batches ahead (prefetch()), or null: next() draws here. */
  private ahead: Prefetcher | null = null;
  private fromWorker = 0;
  /** prefetchWhenWorthIt's pending decision, or null. */
  private probe: PrefetchProbe | null = null;

  constructor(
    private readonly g: Grammar,
    private readonly cfg: TrainConfig,
    private readonly streams: Streams,
  ) {
    const P = cfg.data.trainSize;
    const d = leafCount(g);
    if (P > 0) {
      checkSize("data.trainSize", P, d, 1);
      const s = sample(g, P, streams.train);
      this.fixed = { x: s.x, y: s.y };
    } else {
      this.fixed = null;
    }
    this.trainStart = streams.train.getState();
    this.st = { epoch: 0, pos: 0, orderAtEpochStart: streams.order.getState() };
  }

  /**
   * Online only: show `watcher` every training sequence drawn so far (replayed
   * from the start of the train stream, so a resumed run sees exactly what an
   * uninterrupted one saw) and every one drawn from now on. Replaying draws
   * sequences only (no noise), once, when the watch starts.
   */
  watchTest(watcher: { see(x: Int32Array, n: number): void }): void {
    if (this.fixed) throw new Error("watchTest: the training set is fixed; compare against it directly");
    const B = this.cfg.batchSize;
    const replay = new Rng(0).setState(this.trainStart);
    for (let b = 0; b < Math.floor(this.st.pos / B); b++) {
      const s = sample(this.g, B, replay);
      watcher.see(s.x, B);
    }
    this.watcher = watcher;
  }

  /** Steps per pass over the fixed set (null when online). */
  stepsPerEpoch(): number | null {
    return this.fixed ? Math.floor(this.cfg.data.trainSize / this.cfg.batchSize) : null;
  }

  get epoch(): number {
    return this.st.epoch;
  }

  /**
   * Draw the following batches ahead on a worker thread (prefetch.ts) until dispose(): the
   * same batches in the same order, and getState(), `epoch` and watchTest still follow
   * the batches next() has handed out. `depth`: batches kept ready (PREFETCH_DEPTH).
   * `waitForStart`: block until the worker has loaded (about 0.5 s), so that the next
   * batches already come from it (a benchmark's); otherwise next() draws here meanwhile.
   * Returns whether a worker runs or loads: false, after one line on stderr, when none
   * could (batches are then drawn here, as without it).
   */
  prefetch(options: { depth?: number; waitForStart?: boolean } = {}): boolean {
    this.probe = null;
    if (!this.ahead?.active) {
      try {
        this.ahead = Prefetcher.start(this.g, this.cfg, this.getState(), options.depth ?? PREFETCH_DEPTH);
      } catch (err) {
        console.warn(
          `ghm train: batch prefetch unavailable (${err instanceof Error ? err.message : String(err)}); drawing batches on the main thread`,
        );
        this.ahead = null;
        return false;
      }
    }
    if (options.waitForStart) this.ahead.waitForStart();
    return this.ahead.active;
  }

  /**
   * prefetch() once it pays: when, timed on the next few batches drawn here, the rest of
   * the `batchesLeft` would cost this thread more than the worker's start
   * (PREFETCH_START_COST_MS). `ghm train`'s choice when TrainConfig.prefetch is absent.
   */
  prefetchWhenWorthIt(batchesLeft: number): void {
    if (!this.ahead) this.probe = new PrefetchProbe(batchesLeft);
  }

  /** Whether a worker draws the batches ahead (it stops on dispose() or, with a stderr line, on failure). */
  get prefetching(): boolean {
    return this.ahead?.active ?? false;
  }

  /** Batches next() has handed out that the worker drew (the others were drawn on this thread). */
  get prefetched(): number {
    return this.fromWorker;
  }

  /** Stops the prefetching worker, if any; the stream goes on drawing here. */
  dispose(): void {
    this.probe = null;
    this.ahead?.dispose();
    this.ahead = null;
  }

  next(): Batch {
    const ahead = this.ahead;
    if (ahead) {
      const got = ahead.take();
      if (got) {
        this.fromWorker++;
        this.restore(got.state);
        // The main thread sees every training sequence once, in order, as when drawing here.
        if (!this.fixed) this.watcher?.see(got.batch.x, got.batch.n);
        return got.batch;
      }
      if (ahead.active) {
        // Not ready (the worker loads, or lags): draw it here; the worker goes on after it.
        const batch = this.draw();
        ahead.drewHere(this.getState());
        return batch;
      }
      this.ahead = null;
    }
    if (this.probe === null) return this.draw();
    const t0 = performance.now();
    const batch = this.draw();
    const worthIt = this.probe.drew(performance.now() - t0);
    if (worthIt !== null) {
      this.probe = null;
      if (worthIt) this.prefetch();
    }
    return batch;
  }

  private draw(): Batch {
    const B = this.cfg.batchSize;
    const d = leafCount(this.g);
    const S = this.g.vocab[this.g.depth];
    let x: Int32Array;
    let y: Int32Array;
    if (this.fixed) {
      const perm = this.order();
      x = new Int32Array(B * d);
      y = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const r = perm[this.st.pos + b];
        y[b] = this.fixed.y[r];
        x.set(this.fixed.x.subarray(r * d, (r + 1) * d), b * d);
      }
      this.st.pos += B;
      if (this.st.pos + B > perm.length) this.startEpoch();
    } else {
      const s = sample(this.g, B, this.streams.train);
      x = s.x;
      y = s.y;
      this.st.pos += B;
      this.watcher?.see(x, B);
    }
    const input = netInputArray(observe(x, B, d, S, this.cfg.noise, this.streams.trainNoise).evidence);
    return { n: B, d, S, input, x, y };
  }

  private order(): Int32Array {
    if (this.perm === null) {
      const idx = Array.from({ length: this.cfg.data.trainSize }, (_, i) => i);
      this.streams.order.setState(this.st.orderAtEpochStart);
      this.perm = Int32Array.from(this.streams.order.shuffle(idx));
    }
    return this.perm;
  }

  private startEpoch(): void {
    this.st = { epoch: this.st.epoch + 1, pos: 0, orderAtEpochStart: this.streams.order.getState() };
    this.perm = null;
  }

  getState(): BatchStreamState {
    return {
      ...this.st,
      train: this.streams.train.getState(),
      order: this.streams.order.getState(),
      trainNoise: this.streams.trainNoise.getState(),
    };
  }

  setState(s: BatchStreamState): void {
    this.restore(s);
    this.ahead?.restart(s);
  }

  private restore(s: BatchStreamState): void {
    // The epoch's order is re-derived lazily from orderAtEpochStart (which leaves the order
    // stream where it was saved); kept while the epoch stays, as each prefetched batch
    // restores a state and a shuffle costs O(trainSize).
    const sameEpoch = s.epoch === this.st.epoch && sameRngState(s.orderAtEpochStart, this.st.orderAtEpochStart);
    this.st = { epoch: s.epoch, pos: s.pos, orderAtEpochStart: s.orderAtEpochStart };
    if (!sameEpoch) this.perm = null;
    this.streams.train.setState(s.train);
    this.streams.order.setState(s.order);
    this.streams.trainNoise.setState(s.trainNoise);
  }
}

/** Two Rng.getState() values of the same generator state (its words read signed after setState, unsigned when fresh). */
function sameRngState(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== 5 || b.length !== 5) return false;
  for (let i = 0; i < 4; i++) if ((a[i] | 0) !== (b[i] | 0)) return false;
  // The spare normal: NaN (or null, through JSON) when there is none.
  const spare = (v: number | null) => (v == null || Number.isNaN(v) ? null : v);
  return spare(a[4]) === spare(b[4]);
}
