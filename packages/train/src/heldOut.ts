/**
 * Held-out test data that means what it says (issue 11).
 *
 * The population test set (fresh draws from the grammar, data.ts) measures the
 * population risk; on a small grammar many of its sequences are also training
 * sequences. Two more numbers make that visible:
 *
 * - `overlap`: the fraction of population test rows whose clean leaf sequence x
 *   is in the training set;
 * - the "unseen" test set. With a fixed training set (P > 0) it is a separate set
 *   of fresh draws from its own stream (a fork of the data seed taken after every
 *   older fork, so older streams are unchanged), rejection-sampled so that no row
 *   is a training sequence: up to data.testSize rows from at most
 *   UNSEEN_DRAW_FACTOR x data.testSize draws, with its own noise streams. Online
 *   (P = 0, fresh sequences every step) there is no fixed training set: the
 *   sequences drawn for training so far are tracked, and "unseen" is the subset
 *   of population test rows not drawn yet.
 */
import { type Grammar, leafCount, sample } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { TrainConfig } from "./config";
import { type LabeledSet, type Streams, type TestData, labeledSet, observe } from "./data";

/** The unseen set's draws are capped at this many times the requested size. */
export const UNSEEN_DRAW_FACTOR = 64;

export type SequenceKey = number | string;

/** A key per leaf sequence: the base-S number of the row when that is exact (S^d <= 2^53), else the joined symbols. */
export function sequenceKeyer(d: number, S: number): (x: Int32Array, row: number) => SequenceKey {
  if (d * Math.log2(Math.max(S, 2)) <= 53) {
    return (x, row) => {
      let k = 0;
      for (let i = row * d, e = i + d; i < e; i++) k = k * S + x[i];
      return k;
    };
  }
  return (x, row) => x.subarray(row * d, (row + 1) * d).join(",");
}

/** A set of leaf sequences (rows of `[n, d]` symbol arrays). */
export class SequenceSet {
  private readonly keys = new Set<SequenceKey>();
  private readonly key: (x: Int32Array, row: number) => SequenceKey;

  constructor(
    readonly d: number,
    readonly S: number,
  ) {
    this.key = sequenceKeyer(d, S);
  }

  static of(x: Int32Array, n: number, d: number, S: number): SequenceSet {
    const s = new SequenceSet(d, S);
    s.addRows(x, n);
    return s;
  }

  addRows(x: Int32Array, n: number): void {
    for (let r = 0; r < n; r++) this.keys.add(this.key(x, r));
  }

  has(x: Int32Array, row: number): boolean {
    return this.keys.has(this.key(x, row));
  }

  /** Distinct sequences held. */
  get size(): number {
    return this.keys.size;
  }
}

/** For each row of a set `[n, d]`, 1 when its sequence is in `train`. */
export function membership(x: Int32Array, n: number, train: SequenceSet): Uint8Array {
  const out = new Uint8Array(n);
  for (let r = 0; r < n; r++) out[r] = train.has(x, r) ? 1 : 0;
  return out;
}

/**
 * Watches the sequences drawn for online training and marks the population test
 * rows they equal. Memory is bounded by the test set, not by the number of steps.
 */
export class TestRowWatcher {
  private readonly rows = new Map<SequenceKey, number[]>();
  private readonly key: (x: Int32Array, row: number) => SequenceKey;
  /** `[n]` 1 for a test row whose sequence has been drawn for training. */
  readonly inTrain: Uint8Array;

  constructor(test: LabeledSet) {
    this.key = sequenceKeyer(test.d, test.S);
    this.inTrain = new Uint8Array(test.n);
    for (let r = 0; r < test.n; r++) {
      const k = this.key(test.x, r);
      const list = this.rows.get(k);
      if (list) list.push(r);
      else this.rows.set(k, [r]);
    }
  }

  /** Record n drawn training sequences `[n, d]`. */
  see(x: Int32Array, n: number): void {
    for (let r = 0; r < n; r++) {
      const hit = this.rows.get(this.key(x, r));
      if (hit) for (const t of hit) this.inTrain[t] = 1;
    }
  }
}

/** Rows drawn by rejection: x `[found, d]`, y `[found]`, and how many draws it took. */
export interface UnseenDraw {
  x: Int32Array;
  y: Int32Array;
  found: number;
  draws: number;
}

/**
 * Up to `n` fresh sequences from `rng` that are not in `train`, drawn n at a time,
 * at most `UNSEEN_DRAW_FACTOR * n` draws in all (the rows keep their draw order;
 * a sequence may repeat, as in the population set).
 */
export function drawUnseen(g: Grammar, n: number, rng: Rng, train: SequenceSet): UnseenDraw {
  const d = leafCount(g);
  const x = new Int32Array(n * d);
  const y = new Int32Array(n);
  let found = 0;
  let draws = 0;
  while (found < n && draws < UNSEEN_DRAW_FACTOR * n) {
    const s = sample(g, n, rng);
    draws += n;
    for (let r = 0; r < n && found < n; r++) {
      if (train.has(s.x, r)) continue;
      x.set(s.x.subarray(r * d, (r + 1) * d), found * d);
      y[found++] = s.y[r];
    }
  }
  return { x: x.slice(0, found * d), y: y.slice(0, found), found, draws };
}

/** What a run knows about its training set relative to its test data, before any network is involved. */
export type HeldOutData =
  | {
      kind: "fixed";
      /** `[testSize]` 1 for a population test row that is a training sequence. */
      inTrain: Uint8Array;
      requested: number;
      /** The unseen set (same noise model and fixed levels as the population set), null when no unseen sequence was found. */
      unseen: TestData | null;
      draws: number;
      note?: string;
    }
  | {
      kind: "online";
      /** Updated in place as training draws sequences (see TestRowWatcher). */
      watcher: TestRowWatcher;
      requested: number;
    };

/** The note for an unseen set smaller than asked for. */
export function shortfallNote(found: number, requested: number, draws: number): string {
  return `only ${found} of ${requested} requested unseen test sequences were found in ${draws} draws: the grammar's support is nearly covered by the training set`;
}

/** Held-out data for a fixed training set `[P, d]`: overlap of the population rows and the rejection-sampled unseen set. */
export function fixedHeldOut(
  g: Grammar,
  cfg: TrainConfig,
  streams: Streams,
  test: TestData,
  train: { x: Int32Array; n: number },
): HeldOutData {
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const set = SequenceSet.of(train.x, train.n, d, S);
  const requested = cfg.data.testSize;
  const u = drawUnseen(g, requested, streams.unseen, set);
  let unseen: TestData | null = null;
  if (u.found > 0) {
    const main = labeledSet(g, u.x, u.y, observe(u.x, u.found, d, S, cfg.noise, streams.unseenNoise));
    const levels = cfg.evalAbar.map((a, j) => ({
      abar: a,
      set: labeledSet(g, u.x, u.y, observe(u.x, u.found, d, S, cfg.noise, streams.unseenLevelNoise[j], a)),
    }));
    unseen = { main, levels };
  }
  return {
    kind: "fixed",
    inTrain: membership(test.main.x, test.main.n, set),
    requested,
    unseen,
    draws: u.draws,
    ...(u.found < requested ? { note: shortfallNote(u.found, requested, u.draws) } : {}),
  };
}

/** Held-out bookkeeping for online training: the watcher is fed by BatchStream.watchTest. */
export function onlineHeldOut(test: TestData): HeldOutData {
  return { kind: "online", watcher: new TestRowWatcher(test.main), requested: test.main.n };
}

/** The note of an online run's unseen subset. */
export function onlineNote(unseen: number, n: number): string {
  return `online training: unseen = the ${unseen} of ${n} population test rows whose sequence has not been drawn for training by this step (a subset of the population set, not a separate draw)`;
}

/**
 * The number of distinct leaf sequences the grammar can generate (its support;
 * the class is not part of the sequence), by enumeration, or null when it
 * exceeds `limit`. Exact for every kernel kind (zero-probability children are
 * not generated); cost is about the number of sequences times d.
 */
export function supportSize(g: Grammar, limit = 1_000_000): number | null {
  const L = g.depth;
  const m = g.arity;
  // seqs[a]: the distinct sequences (as symbol arrays) symbol a at the current level generates.
  let seqs: number[][][] = Array.from({ length: g.vocab[L] }, (_, s) => [[s]]);
  for (let l = L; l >= 1; l--) {
    const k = g.levels[l - 1];
    const S = g.vocab[l];
    const next: number[][][] = [];
    for (let a = 0; a < g.vocab[l - 1]; a++) {
      const out = new Map<string, number[]>();
      for (const tuple of childTuples(k, a, S, m)) {
        let total = 1;
        for (const b of tuple) total *= seqs[b].length;
        if (total === 0) continue;
        if (total > limit) return null;
        let acc: number[][] = [[]];
        for (const b of tuple) acc = acc.flatMap((p) => seqs[b].map((q) => p.concat(q)));
        for (const s of acc) out.set(s.join(","), s);
        if (out.size > limit) return null;
      }
      next.push([...out.values()]);
    }
    seqs = next;
  }
  const all = new Set<string>();
  for (let c = 0; c < g.vocab[0]; c++) {
    if (!(g.root[c] > 0)) continue;
    for (const s of seqs[c]) all.add(s.join(","));
    if (all.size > limit) return null;
  }
  return all.size;
}

function childTuples(k: Grammar["levels"][number], a: number, S: number, m: number): number[][] {
  switch (k.kind) {
    case "rules":
      return k.rules[a].filter((r) => r.p > 0).map((r) => r.children);
    case "product": {
      let acc: number[][] = [[]];
      for (let j = 0; j < m; j++) {
        const ok = Array.from({ length: S }, (_, b) => b).filter((b) => k.matrices[j][a * S + b] > 0);
        acc = acc.flatMap((p) => ok.map((b) => [...p, b]));
      }
      return acc;
    }
    case "dense": {
      const T = S ** m;
      const out: number[][] = [];
      for (let t = 0; t < T; t++) {
        if (!(k.tensor[a * T + t] > 0)) continue;
        const tuple = new Array<number>(m);
        let v = t;
        for (let j = m - 1; j >= 0; j--) {
          tuple[j] = v % S;
          v = Math.floor(v / S);
        }
        out.push(tuple);
      }
      return out;
    }
  }
}
