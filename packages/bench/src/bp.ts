/**
 * Throughput of runBP on the two reference workloads, each beside references measured
 * in the same run:
 *   product: random Mei-style product grammar, m = 2, L = 10, S = 16 (d = 1024)
 *   rhm:     random RHM, S = C = 32, k = 4, m = 2, L = 6 (d = 64)
 * References: a batched float64 numpy BP (bp_numpy.ts: one GEMM per child per level,
 * OpenBLAS), timed in repetitions interleaved with runBP's so load swings hit both;
 * the straightforward log-domain naiveBP; and, for the RHM, the PyTorch peer's BpRhm run in
 * the same repetitions where a checkout of it is given (bp_peer.ts), beside its rate as
 * recorded in issue 14 (PyTorch and the peer are not dependencies).
 * Evidence: sampled sequences seen through gaussian noise with alpha = 1, sigma = 1
 * (a mid-diffusion noise level), so no message is trivially sparse.
 * Run: `ghm bench bp` (or `pnpm bench`).
 */
import { type Grammar, InputError, randomProductGrammar, randomRhm } from "@ghmkit/ghm";
import {
  availableThreads,
  type BPResult,
  messageBytesPerSequence,
  naiveBP,
  type NaiveBPResult,
  runBP,
} from "@ghmkit/bp";
import { NumpyBP, numpyUnavailable, numpyUnsupported, type RefCheck } from "./bp_numpy";
import { PeerBpRhm, type PeerCheck, peerDir } from "./bp_peer";
import { type ScalingReport, scalingSweeps } from "./bp_scaling";
import { evidenceFor, median, timeOnce } from "./bp_common";

/** The PyTorch peer's BpRhm (minimal_diffusion_rhm) on the RHM case, batch 256, as measured in issue 14 on this kind of 2-core machine. */
export const PEER_BPRHM_SEQ_PER_SEC: readonly [number, number] = [123, 139];

export type BenchCaseName = "product" | "rhm";

export interface BenchOptions {
  /** Workloads to time (default both). */
  cases?: BenchCaseName[];
  /** Sequences per runBP call (default 256). */
  batch?: number;
  /** Timed repetitions of runBP and of the numpy reference, interleaved, after one warm-up each; medians are reported (default 3). */
  repeats?: number;
  /** Sequences given to the naive baseline, which is slow (default 16; 0 skips it). */
  naiveBatch?: number;
  /** Run the downward pass and marginals too (default true). */
  downward?: boolean;
  /** Time the numpy reference beside runBP when python3 with numpy runs here (default true; needs downward). */
  reference?: boolean;
  /** Also time how runBP and numpy grow with batch, d = m^L and S, and fit the exponents ("quick": fewer, smaller points; default off). */
  scaling?: boolean | "quick";
  /** Threads of the pooled runBP timed beside the single-thread one (default every core; 1 skips it). */
  threads?: number;
  /** Noise level of the gaussian evidence (default 1). */
  sigma?: number;
  /**
   * A checkout of the PyTorch peer (github.com/AntonioScl/minimal_diffusion_rhm) to time its
   * BpRhm on the RHM case in the same repetitions (default GHM_PEER_RHM_DIR; needs a python3
   * that imports torch).
   */
  peerDir?: string;
  seed?: number;
}

export interface Rate {
  /** Median wall-clock time of one call over the whole batch. */
  msPerBatch: number;
  sequencesPerSecond: number;
  /** Median process CPU time (user + system, all threads) of one call. */
  cpuMsPerBatch: number;
  cpuSequencesPerSecond: number;
}

export interface NumpyReference extends Rate {
  /** Peak bytes numpy allocates in one call, per sequence (tracemalloc). */
  peakBytesPerSequence: number;
  /** Largest |log Z| and marginal difference from runBP over the batch (marginals: the first 64 entries per level). */
  agreement: { maxAbsLogZ: number; maxAbsMarginal: number };
}

export interface BenchCase extends Rate {
  name: BenchCaseName;
  description: string;
  batch: number;
  downward: boolean;
  /** Result memory per sequence with `messages: true` (up, down, marginals). */
  bytesPerSequence: number;
  /** Result memory per sequence of the timed calls (runBP's default: marginals only). */
  defaultBytesPerSequence: number;
  naive: { batch: number; msPerBatch: number; sequencesPerSecond: number } | null;
  /** Largest |log Z| and marginal difference between runBP and the naive reference on the naive batch: a fast wrong answer is no speed-up. */
  agreement: { maxAbsLogZ: number; maxAbsMarginal: number } | null;
  /** sequencesPerSecond / naive.sequencesPerSecond. */
  speedup: number | null;
  /** The numpy GEMM BP on the same grammar and evidence (OpenBLAS's default threads), interleaved with runBP; null with the reason in referenceSkipped. */
  numpy: NumpyReference | null;
  /** The same with one BLAS thread (like for like with single-thread runBP); null on one core or without numpy. */
  numpyOneThread: Rate | null;
  /** runBP (one thread) / numpy on one BLAS thread. */
  vsNumpyOneThread: BenchCase["vsNumpy"];
  referenceSkipped?: string;
  /** runBP / numpy, wall: ratio of the medians, and the smallest and largest ratio of one interleaved pair. */
  vsNumpy: { median: number; min: number; max: number; cpu: number } | null;
  /** RHM only: runBP's rate over the PyTorch peer's recorded range (PEER_BPRHM_SEQ_PER_SEC). */
  vsPeer: { recorded: readonly [number, number]; ratio: [number, number] } | null;
  /**
   * RHM only: the peer's BpRhm (float32) timed in the same repetitions, with its largest
   * root and leaf marginal difference from runBP; `{skipped}` with the reason where it
   * cannot run (no checkout given, no torch); null for the product case.
   */
  peer: PeerRate | { skipped: string } | null;
  /** runBP (one thread) / the same-run peer; null without it. */
  vsPeerSameRun: BenchCase["vsNumpy"];
  /** runBP({ threads }) with the worker pool, timed in the same interleaved repetitions; null with one core or threads 1. */
  pool: PooledRate | null;
  /**
   * Per repetition the faster of numpy's two settings (default threads, one BLAS thread):
   * the reference the headline ratios are taken against; null without both.
   */
  bestNumpy: Rate | null;
  /** runBP (one thread, fresh result arrays) / bestNumpy. */
  vsBestNumpy: BenchCase["vsNumpy"];
  /** The pool (fresh arrays) / bestNumpy; null without a pool. */
  poolVsBestNumpy: BenchCase["vsNumpy"];
  /**
   * runBP({ into }) writing over the previous call's result arrays (no page faults on
   * fresh memory, as numpy's allocator reuses its freed pages), one thread and pooled,
   * in the same interleaved repetitions, each with its ratio to bestNumpy.
   */
  reused: {
    single: Rate & { vsBestNumpy: BenchCase["vsNumpy"] };
    pooled: (Rate & { threads: number; vsBestNumpy: BenchCase["vsNumpy"] }) | null;
  };
}

export interface PooledRate extends Rate {
  threads: number;
  /** Whether its results had the same bits as the single-thread call's (log Z, root, marginals). */
  identical: boolean;
  vsNumpy: BenchCase["vsNumpy"];
  vsPeer: BenchCase["vsPeer"];
  vsPeerSameRun: BenchCase["vsNumpy"];
}

export interface PeerRate extends Rate {
  torch: string;
  /** torch's intra-op threads (its default). */
  threads: number;
  agreement: { maxAbsRoot: number; maxAbsLeafMarginal: number };
}

export interface BenchReport {
  node: string;
  cases: BenchCase[];
  scaling: ScalingReport | null;
  /** Human-readable table of the above. */
  text: string;
}

export function workload(name: BenchCaseName, seed: number): { g: Grammar; description: string } {
  if (name === "product")
    return {
      g: randomProductGrammar({ depth: 10, arity: 2, vocab: 16, seed }),
      description: "product m=2 L=10 S=16 (d=1024)",
    };
  return {
    g: randomRhm({ S: 32, classes: 32, k: 4, arity: 2, depth: 6, seed }),
    description: "RHM S=C=32 k=4 m=2 L=6 (d=64)",
  };
}

type Timing = { ms: number; cpuMs: number };

/** Ratio of the median rates, the range of the per-repetition ratios, and the CPU-time ratio. */
function versus(mine: Timing[], own: Rate, theirs: Timing[], ref: Rate): BenchCase["vsNumpy"] {
  const pairs = mine.map((m, i) => theirs[i].ms / m.ms);
  return {
    median: own.sequencesPerSecond / ref.sequencesPerSecond,
    min: Math.min(...pairs),
    max: Math.max(...pairs),
    cpu: own.cpuSequencesPerSecond / ref.cpuSequencesPerSecond,
  };
}

function sameBits(a: BPResult, b: BPResult): boolean {
  const xs = [a.logZ, a.root, ...(a.marginals ?? [])];
  const ys = [b.logZ, b.root, ...(b.marginals ?? [])];
  return xs.every((x, k) => x.length === ys[k].length && x.every((v, i) => Object.is(v, ys[k][i])));
}

function rate(batch: number, runs: { ms: number; cpuMs: number }[]): Rate {
  const ms = median(runs.map((r) => r.ms));
  const cpu = median(runs.map((r) => r.cpuMs));
  return {
    msPerBatch: ms,
    sequencesPerSecond: (1000 * batch) / ms,
    cpuMsPerBatch: cpu,
    cpuSequencesPerSecond: (1000 * batch) / cpu,
  };
}

function referenceSkip(g: Grammar, wanted: boolean, downward: boolean): string | null {
  if (!wanted) return "not asked for";
  if (!downward) return "the numpy reference always runs up + down + marginals";
  return numpyUnsupported(g) ?? numpyUnavailable();
}

export async function benchBP(options: BenchOptions = {}): Promise<BenchReport> {
  const names = options.cases ?? ["product", "rhm"];
  const batch = options.batch ?? 256;
  const repeats = options.repeats ?? 3;
  const naiveBatch = options.naiveBatch ?? 16;
  const downward = options.downward ?? true;
  const sigma = options.sigma ?? 1;
  const seed = options.seed ?? 1;
  for (const [k, v] of Object.entries({ batch, repeats, naiveBatch }))
    if (!Number.isInteger(v) || v < (k === "naiveBatch" ? 0 : 1))
      throw new InputError(
        `benchBP options.${k}`,
        `is ${v}`,
        `use ${k === "naiveBatch" ? "a non-negative" : "a positive"} integer`,
      );
  const cases: BenchCase[] = [];
  for (const name of names) {
    const { g, description } = workload(name, seed);
    const ev = evidenceFor(g, batch, sigma, seed + 10);
    const skip = referenceSkip(g, options.reference ?? true, downward);
    const threads = options.threads ?? availableThreads();
    const ref = skip ? null : NumpyBP.start(g, ev);
    const ref1 = skip || threads < 2 ? null : NumpyBP.start(g, ev, { threads: 1 });
    const where = name === "rhm" && downward ? peerDir(options.peerDir) : null;
    let peerSkipped: string | null = where && "skipped" in where ? where.skipped : null;
    let peerRef: PeerBpRhm | null = null;
    const peerTimes: Timing[] = [];
    let peerCheck: PeerCheck | null = null;
    const mine: Timing[] = [];
    const pooled: Timing[] = [];
    const mineInto: Timing[] = [];
    const pooledInto: Timing[] = [];
    let intoPooled: BPResult | undefined;
    const theirs: Timing[] = [];
    const theirs1: Timing[] = [];
    let check: RefCheck | null = null;
    let fast: BPResult | undefined;
    let identical = true;
    try {
      timeOnce(() => (fast = runBP(g, ev, { downward }))); // warm-up: JIT and first touch
      if (threads > 1) {
        intoPooled = runBP(g, ev, { downward, threads }); // also starts the workers
        identical = sameBits(fast!, intoPooled);
      }
      check = ref ? await ref.check() : null; // also numpy's warm-up
      if (ref1) await ref1.run();
      if (where && "dir" in where)
        try {
          peerRef = await PeerBpRhm.start(where.dir, g, ev);
          peerCheck = await peerRef.check();
        } catch (err) {
          peerSkipped = err instanceof Error ? err.message : String(err);
        }
      for (let i = 0; i < repeats; i++) {
        // Alternate who goes first, so a load swing does not always favour one side.
        if (ref && i % 2 === 1) theirs.push(await ref.run());
        if (ref1 && i % 2 === 1) theirs1.push(await ref1.run());
        mine.push(timeOnce(() => runBP(g, ev, { downward })));
        if (threads > 1) pooled.push(timeOnce(() => runBP(g, ev, { downward, threads })));
        // Into the warm-up's arrays: the same evidence writes the same bits, so fast stays as checked.
        mineInto.push(timeOnce(() => runBP(g, ev, { downward, into: fast })));
        if (threads > 1) pooledInto.push(timeOnce(() => runBP(g, ev, { downward, threads, into: intoPooled })));
        if (ref && i % 2 === 0) theirs.push(await ref.run());
        if (ref1 && i % 2 === 0) theirs1.push(await ref1.run());
        if (peerRef) peerTimes.push(await peerRef.run());
      }
    } finally {
      ref?.close();
      ref1?.close();
      peerRef?.close();
    }
    const peerRate: PeerRate | null =
      peerRef && peerCheck
        ? {
            ...rate(batch, peerTimes),
            torch: peerRef.torch,
            threads: peerRef.threads,
            agreement: {
              maxAbsRoot: maxAbsDiff(peerCheck.root, fast!.root),
              maxAbsLeafMarginal: maxAbsDiff(peerCheck.leaves, fast!.marginals![g.depth], peerCheck.leaves.length),
            },
          }
        : null;
    const vsPeerSameRun = (xs: Timing[], r: Rate): BenchCase["vsNumpy"] =>
      peerRate ? versus(xs, r, peerTimes, peerRate) : null;
    const numpyOneThread = ref1 ? rate(batch, theirs1) : null;
    const numpy: NumpyReference | null = check
      ? {
          ...rate(batch, theirs),
          peakBytesPerSequence: check.peakBytes / batch,
          agreement: numpyAgreement(fast!, check),
        }
      : null;
    const peer = (r: Rate): BenchCase["vsPeer"] =>
      name === "rhm" && batch === 256 && downward
        ? {
            recorded: PEER_BPRHM_SEQ_PER_SEC,
            ratio: [r.sequencesPerSecond / PEER_BPRHM_SEQ_PER_SEC[1], r.sequencesPerSecond / PEER_BPRHM_SEQ_PER_SEC[0]],
          }
        : null;
    const poolRate = threads > 1 ? rate(batch, pooled) : null;
    let naive: BenchCase["naive"] = null;
    let agreement: BenchCase["agreement"] = null;
    if (naiveBatch > 0) {
      const small = evidenceFor(g, naiveBatch, sigma, seed + 20);
      let ref: NaiveBPResult | undefined;
      const nms = timeOnce(() => (ref = naiveBP(g, small))).ms;
      naive = { batch: naiveBatch, msPerBatch: nms, sequencesPerSecond: (1000 * naiveBatch) / nms };
      agreement = agreementWith(runBP(g, small, { downward }), ref!, downward);
    }
    const own = rate(batch, mine);
    const best = ref && ref1 ? theirs.map((t, i) => (t.ms <= theirs1[i].ms ? t : theirs1[i])) : null;
    const bestRate = best ? rate(batch, best) : null;
    const vsBest = (xs: Timing[], r: Rate): BenchCase["vsNumpy"] =>
      best && bestRate ? versus(xs, r, best, bestRate) : null;
    const ownInto = rate(batch, mineInto);
    const poolInto = threads > 1 ? rate(batch, pooledInto) : null;
    cases.push({
      name,
      description,
      batch,
      downward,
      ...own,
      bytesPerSequence: messageBytesPerSequence(g, downward, true),
      defaultBytesPerSequence: messageBytesPerSequence(g, downward),
      naive,
      agreement,
      speedup: naive ? own.sequencesPerSecond / naive.sequencesPerSecond : null,
      numpy,
      ...(skip ? { referenceSkipped: skip } : {}),
      vsNumpy: numpy ? versus(mine, own, theirs, numpy) : null,
      numpyOneThread,
      vsNumpyOneThread: numpyOneThread ? versus(mine, own, theirs1, numpyOneThread) : null,
      vsPeer: peer(own),
      peer: peerRate ?? (peerSkipped === null ? null : { skipped: peerSkipped }),
      vsPeerSameRun: vsPeerSameRun(mine, own),
      bestNumpy: bestRate,
      vsBestNumpy: vsBest(mine, own),
      poolVsBestNumpy: poolRate ? vsBest(pooled, poolRate) : null,
      reused: {
        single: { ...ownInto, vsBestNumpy: vsBest(mineInto, ownInto) },
        pooled: poolInto ? { ...poolInto, threads, vsBestNumpy: vsBest(pooledInto, poolInto) } : null,
      },
      pool:
        poolRate === null
          ? null
          : {
              ...poolRate,
              threads,
              identical,
              vsNumpy: numpy ? versus(pooled, poolRate, theirs, numpy) : null,
              vsPeer: peer(poolRate),
              vsPeerSameRun: vsPeerSameRun(pooled, poolRate),
            },
    });
  }
  const scaling = options.scaling
    ? await scalingSweeps({ quick: options.scaling === "quick", sigma, seed, reference: options.reference ?? true })
    : null;
  return { node: process.version, cases, scaling, text: formatBench(cases, scaling) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function agreementWith(fast: BPResult, ref: NaiveBPResult, downward: boolean): BenchCase["agreement"] {
  const levels = downward
    ? fast.marginals!.map((m, l) => maxAbsDiff(m, ref.marginals[l]))
    : [maxAbsDiff(fast.root, ref.marginals[0])];
  return { maxAbsLogZ: maxAbsDiff(fast.logZ, ref.logZ), maxAbsMarginal: Math.max(...levels) };
}

function numpyAgreement(fast: BPResult, ref: RefCheck): NumpyReference["agreement"] {
  const logZ = ref.logZ.map((x) => x ?? Number.NEGATIVE_INFINITY);
  let dz = 0;
  for (let i = 0; i < logZ.length; i++)
    if (logZ[i] !== fast.logZ[i]) dz = Math.max(dz, Math.abs(logZ[i] - fast.logZ[i]) || Number.POSITIVE_INFINITY);
  const dm = Math.max(...ref.marginals.map((m, l) => maxAbsDiff(m, fast.marginals![l], m.length)));
  return { maxAbsLogZ: dz, maxAbsMarginal: dm };
}

const f0 = (x: number): string => x.toFixed(0);
const f2 = (x: number): string => x.toFixed(2);

function formatBench(cases: BenchCase[], scaling: ScalingReport | null): string {
  const lines = [`runBP benchmark (${process.version}, float64; one thread unless a pool line says otherwise)`];
  for (const c of cases) {
    lines.push(
      `${c.description}, batch ${c.batch}${c.downward ? ", up+down+marginals" : ", upward only"}: ` +
        `${c.msPerBatch.toFixed(1)} ms/batch, ${f0(c.sequencesPerSecond)} seq/s ` +
        `(CPU time: ${c.cpuMsPerBatch.toFixed(1)} ms, ${f0(c.cpuSequencesPerSecond)} seq/s), ` +
        `${f0(c.defaultBytesPerSequence / 1024)} KiB results/seq (${f0(c.bytesPerSequence / 1024)} KiB with messages)`,
    );
    if (c.numpy && c.vsNumpy)
      lines.push(
        `  numpy GEMM BP (same evidence, interleaved): ${f0(c.numpy.sequencesPerSecond)} seq/s ` +
          `(CPU ${f0(c.numpy.cpuSequencesPerSecond)}), peak ${f0(c.numpy.peakBytesPerSequence / 1024)} KiB/seq; ` +
          `runBP/numpy = ${f2(c.vsNumpy.median)}x (pairs ${f2(c.vsNumpy.min)}-${f2(c.vsNumpy.max)}x, CPU ${f2(c.vsNumpy.cpu)}x), ` +
          `agreeing to ${c.numpy.agreement.maxAbsLogZ.toExponential(1)} in log Z`,
      );
    if (c.numpyOneThread && c.vsNumpyOneThread)
      lines.push(
        `  numpy on one BLAS thread: ${f0(c.numpyOneThread.sequencesPerSecond)} seq/s (CPU ${f0(c.numpyOneThread.cpuSequencesPerSecond)}); ` +
          `runBP/numpy = ${f2(c.vsNumpyOneThread.median)}x (pairs ${f2(c.vsNumpyOneThread.min)}-${f2(c.vsNumpyOneThread.max)}x, CPU ${f2(c.vsNumpyOneThread.cpu)}x)`,
      );
    if (c.pool)
      lines.push(
        `  runBP threads ${c.pool.threads} (worker pool, ${c.pool.identical ? "bit-identical to one thread" : "NOT bit-identical"}): ` +
          `${f0(c.pool.sequencesPerSecond)} seq/s (CPU ${f0(c.pool.cpuSequencesPerSecond)})` +
          (c.pool.vsNumpy
            ? `; /numpy = ${f2(c.pool.vsNumpy.median)}x (pairs ${f2(c.pool.vsNumpy.min)}-${f2(c.pool.vsNumpy.max)}x)`
            : ""),
      );
    else lines.push(`  numpy GEMM BP: skipped (${c.referenceSkipped})`);
    const r = c.reused;
    lines.push(
      `  into reused result arrays: ${f0(r.single.sequencesPerSecond)} seq/s` +
        (r.pooled ? `, threads ${r.pooled.threads} ${f0(r.pooled.sequencesPerSecond)} seq/s` : ""),
    );
    if (c.bestNumpy && c.vsBestNumpy)
      lines.push(
        `  vs the faster numpy setting per repetition (${f0(c.bestNumpy.sequencesPerSecond)} seq/s): ` +
          `runBP ${f2(c.vsBestNumpy.median)}x` +
          (c.poolVsBestNumpy ? `, pooled ${f2(c.poolVsBestNumpy.median)}x` : "") +
          (r.single.vsBestNumpy ? `, into ${f2(r.single.vsBestNumpy.median)}x` : "") +
          (r.pooled?.vsBestNumpy ? `, pooled into ${f2(r.pooled.vsBestNumpy.median)}x` : ""),
      );
    if (c.naive)
      lines.push(
        `  naive log-domain ${c.naive.sequencesPerSecond.toFixed(1)} seq/s (batch ${c.naive.batch}), fast/naive = ${c.speedup!.toFixed(1)}x` +
          `, agreeing to ${c.agreement!.maxAbsLogZ.toExponential(1)} in log Z`,
      );
    if (c.peer && "skipped" in c.peer) lines.push(`  PyTorch peer BpRhm in the same run: skipped (${c.peer.skipped})`);
    else if (c.peer && c.vsPeerSameRun)
      lines.push(
        `  PyTorch peer BpRhm (torch ${c.peer.torch}, ${c.peer.threads} thread(s), float32; same evidence, interleaved): ` +
          `${f0(c.peer.sequencesPerSecond)} seq/s (CPU ${f0(c.peer.cpuSequencesPerSecond)}); runBP/peer = ${f0(c.vsPeerSameRun.median)}x ` +
          `(pairs ${f0(c.vsPeerSameRun.min)}-${f0(c.vsPeerSameRun.max)}x)` +
          (c.pool?.vsPeerSameRun ? `, pooled ${f0(c.pool.vsPeerSameRun.median)}x` : "") +
          `; marginals agree to ${c.peer.agreement.maxAbsLeafMarginal.toExponential(1)} (leaves), ${c.peer.agreement.maxAbsRoot.toExponential(1)} (root)`,
      );
    if (c.vsPeer)
      lines.push(
        `  PyTorch peer BpRhm: ${c.vsPeer.recorded[0]}-${c.vsPeer.recorded[1]} seq/s as recorded in issue 14, ` +
          `runBP/peer = ${f0(c.vsPeer.ratio[0])}-${f0(c.vsPeer.ratio[1])}x` +
          (c.pool?.vsPeer ? `, pooled ${f0(c.pool.vsPeer.ratio[0])}-${f0(c.pool.vsPeer.ratio[1])}x` : ""),
      );
  }
  if (scaling) lines.push(scaling.text);
  return lines.join("\n");
}
