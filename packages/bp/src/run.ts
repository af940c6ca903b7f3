/**
 * runBP: exact sum-product BP over a batch (SPEC.md section 3). This file checks the
 * input, allocates the results and hands the rows to rows.ts, on this thread or split
 * across the worker pool (pool.ts) with `threads`.
 */
import { type Evidence, type Grammar, InputError } from "@ghmkit/ghm";
import { type CompiledGrammar, compileGrammar } from "./compile";
import { checkBytes, checkEvidence } from "./check";
import { checkInto, isShared } from "./into";
import { availableThreads, outputArray, outputBytes, poolReady, runPooled } from "./pool";
import { runRows } from "./rows";

export interface BPOptions {
  /** Also run the downward pass and compute every level's marginals (default true). */
  downward?: boolean;
  /**
   * Also return the log-domain messages `up` (and `down` with the downward pass)
   * (default false). They cost one log per entry and 8 bytes per entry per level;
   * marginals, root, logZ and posteriorSample do not need them.
   */
  messages?: boolean;
  /** Refuse (before allocating) when the results would need more bytes (default MAX_BP_BYTES = 4 GiB). */
  maxBytes?: number;
  /**
   * Threads to split the batch over (whole sequences each; Node's worker_threads): a
   * number, or "auto" = every core for batches with enough work to pay for the hand-off
   * (default 1). Results are bit-identical to one thread; pooled results live in
   * SharedArrayBuffers. Where worker_threads is missing, one thread.
   */
  threads?: number | "auto";
  /**
   * A previous result of a call with the same grammar, batch and options to write over
   * instead of allocating new arrays (like numpy's `out=`): fresh arrays cost a page
   * fault per 4 KiB on first touch, about a third of the time of a product BP pass. The
   * returned result holds the same arrays. A pooled call needs them in shared memory (a
   * pooled call's results are); with plain arrays it runs on one thread.
   */
  into?: BPResult;
}

/** Work (leaf entries times rows) below which "auto" stays on one thread: the hand-off costs ~0.1-1 ms. */
const AUTO_MIN_WORK = 2 ** 18;

function threadsFor(cg: CompiledGrammar, batch: number, threads: number | "auto" | undefined): number {
  if (threads === undefined || threads === 1) return 1;
  if (threads === "auto") {
    let work = 0;
    for (let l = 0; l <= cg.L; l++) work += cg.nodes[l] * cg.vocab[l];
    return work * batch < AUTO_MIN_WORK ? 1 : Math.min(availableThreads(), batch);
  }
  if (!Number.isInteger(threads) || threads < 1)
    throw new InputError("options.threads", `is ${threads}`, 'use a positive integer or "auto"');

  return Math.min(threads, batch);
}

export interface BPResult {
  batch: number;
  /** [batch] log p(evidence); -Infinity when impossible. */
  logZ: Float64Array;
  /** [batch] 1 = impossible evidence (every tree has probability 0). */
  impossible: Uint8Array;
  /** With `messages`: u_l for l = 0..L, each [batch, m^l, S_l], log domain, each node shifted to max 0. */
  up?: Float64Array[];
  /** With `messages` and `downward`: w_l, same layout and shift; -Infinity throughout for impossible rows. */
  down?: Float64Array[];
  /** P(x_{l,i} = s | obs), l = 0..L, [batch, m^l, S_l]; zeros for impossible rows. */
  marginals?: Float64Array[];
  /** [batch, S_0] classification posterior P(y | obs); zeros when impossible. */
  root: Float64Array;
}

/**
 * Bytes of result memory runBP allocates per sequence: marginals when downward, plus
 * up (and down when downward) when messages; root and logZ always.
 */
export function messageBytesPerSequence(g: Grammar, downward = true, messages = false): number {
  return compiledMessageBytes(compileGrammar(g), downward, messages);
}

function compiledMessageBytes(g: CompiledGrammar, downward: boolean, messages: boolean): number {
  let floats = 0;
  for (let l = 0; l <= g.L; l++) floats += g.nodes[l] * g.vocab[l];
  const copies = (downward ? 1 : 0) + (messages ? (downward ? 2 : 1) : 0);
  return 8 * (floats * copies + 2 * g.vocab[0] + 2);
}

/** A result of `messages: true`: up is always there (down with the downward pass). */
export type BPResultWithMessages = BPResult & { up: Float64Array[] };

export function runBP(g: Grammar, ev: Evidence, options: BPOptions & { messages: true }): BPResultWithMessages;
export function runBP(g: Grammar, ev: Evidence, options?: BPOptions): BPResult;
export function runBP(g: Grammar, ev: Evidence, options: BPOptions = {}): BPResult {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  return runCompiled(cg, ev, options);
}

export function runCompiled(cg: CompiledGrammar, ev: Evidence, options: BPOptions = {}): BPResult {
  const { vocab, nodes } = cg;
  const downward = options.downward ?? true;
  const messages = options.messages ?? false;
  const batch = ev.batch;
  checkBytes("runBP", batch * compiledMessageBytes(cg, downward, messages), batch, options.maxBytes);
  // The block and scratch below grow with the tree, not the batch: none for an empty batch.
  if (batch === 0) {
    const empty = (): Float64Array[] => vocab.map(() => new Float64Array(0));
    const result: BPResult = {
      batch,
      logZ: new Float64Array(0),
      impossible: new Uint8Array(0),
      root: new Float64Array(0),
    };
    if (messages) result.up = empty();
    if (messages && downward) result.down = empty();
    if (downward) result.marginals = empty();
    return result;
  }

  const into = options.into ? checkInto(cg, options.into, batch, downward, messages) : null;
  const threads = into && !isShared(into) ? 1 : threadsFor(cg, batch, options.threads);
  const pooled = threads > 1 && poolReady(threads);
  const level = (S: number, l: number): Float64Array => outputArray(batch * nodes[l] * S, pooled);
  const up = into ? into.up : messages ? vocab.map(level) : undefined;
  const down = into ? into.down : messages && downward ? vocab.map(level) : undefined;
  const marginals = into ? into.marginals : downward ? vocab.map(level) : undefined;
  const logZ = into ? into.logZ : outputArray(batch, pooled);
  const impossible = into ? into.impossible : outputBytes(batch, pooled);
  const root = into ? into.root : outputArray(batch * vocab[0], pooled);
  const out = { logZ, impossible, root, up, down, marginals };
  if (pooled) runPooled(cg, ev, out, threads);
  else runRows(cg, ev, 0, batch, out);
  const result: BPResult = { batch, logZ, impossible, root };
  if (up) result.up = up;
  if (down) result.down = down;
  if (marginals) result.marginals = marginals;
  return result;
}
