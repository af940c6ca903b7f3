/**
 * Throughput of runBP on the two reference workloads, against the straightforward
 * log-domain BP (@ghmkit/bp's naiveBP) measured in the same process:
 *   product: random Mei-style product grammar, m = 2, L = 10, S = 16 (d = 1024)
 *   rhm:     random RHM, S = C = 32, k = 4, m = 2, L = 6 (d = 64)
 * Evidence: sampled sequences seen through gaussian noise with alpha = 1, sigma = 1
 * (a mid-diffusion noise level), so no message is trivially sparse.
 * Run: `ghm bench bp` (or `pnpm bench`).
 */
import { type Evidence, type Grammar, Rng, noisyEvidence, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { type BPResult, messageBytesPerSequence, naiveBP, type NaiveBPResult, runBP } from "@ghmkit/bp";

export type BenchCaseName = "product" | "rhm";

export interface BenchOptions {
  /** Workloads to time (default both). */
  cases?: BenchCaseName[];
  /** Sequences per runBP call (default 256). */
  batch?: number;
  /** Timed runBP calls after one warm-up; the median is reported (default 3). */
  repeats?: number;
  /** Sequences given to the naive baseline, which is slow (default 16; 0 skips it). */
  naiveBatch?: number;
  /** Run the downward pass and marginals too (default true). */
  downward?: boolean;
  /** Noise level of the gaussian evidence (default 1). */
  sigma?: number;
  seed?: number;
}

export interface BenchCase {
  name: BenchCaseName;
  description: string;
  batch: number;
  downward: boolean;
  /** Median wall-clock time of one runBP call. */
  msPerBatch: number;
  sequencesPerSecond: number;
  /** Median CPU time (user + system) of one call: steadier than wall time on a shared machine. */
  cpuMsPerBatch: number;
  cpuSequencesPerSecond: number;
  /** Result memory per sequence with `messages: true` (up, down, marginals). */
  bytesPerSequence: number;
  /** Result memory per sequence of the timed calls (runBP's default: marginals only). */
  defaultBytesPerSequence: number;
  naive: { batch: number; msPerBatch: number; sequencesPerSecond: number } | null;
  /** Largest |log Z| and marginal difference between runBP and the naive reference on the naive batch: a fast wrong answer is no speed-up. */
  agreement: { maxAbsLogZ: number; maxAbsMarginal: number } | null;
  /** sequencesPerSecond / naive.sequencesPerSecond. */
  speedup: number | null;
}

export interface BenchReport {
  node: string;
  cases: BenchCase[];
  /** Human-readable table of the above. */
  text: string;
}

function workload(name: BenchCaseName, seed: number): { g: Grammar; description: string } {
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

function evidenceFor(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  const data = sample(g, batch, new Rng(seed));
  return noisyEvidence(
    data.x,
    batch,
    data.d,
    g.vocab[g.depth],
    { kind: "gaussian", alpha: 1, sigma },
    new Rng(seed + 1),
  ).evidence;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall and CPU milliseconds of f over `repeats` calls after one warm-up. */
function timeMs(f: () => void, repeats: number): { wall: number; cpu: number } {
  f(); // warm-up: JIT and first-touch of the buffers
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export function benchBP(options: BenchOptions = {}): BenchReport {
  const names = options.cases ?? ["product", "rhm"];
  const batch = options.batch ?? 256;
  const repeats = options.repeats ?? 3;
  const naiveBatch = options.naiveBatch ?? 16;
  const downward = options.downward ?? true;
  const sigma = options.sigma ?? 1;
  const seed = options.seed ?? 1;
  for (const [k, v] of Object.entries({ batch, repeats, naiveBatch }))
    if (!Number.isInteger(v) || v < (k === "naiveBatch" ? 0 : 1))
      throw new Error(`benchBP: ${k} is ${v}; use a positive integer`);
  const cases = names.map((name): BenchCase => {
    const { g, description } = workload(name, seed);
    const ev = evidenceFor(g, batch, sigma, seed + 10);
    const t = timeMs(() => runBP(g, ev, { downward }), repeats);
    let naive: BenchCase["naive"] = null;
    let agreement: BenchCase["agreement"] = null;
    if (naiveBatch > 0) {
      const small = evidenceFor(g, naiveBatch, sigma, seed + 20);
      let ref: NaiveBPResult | undefined;
      const nms = timeMs(() => (ref = naiveBP(g, small)), 1).wall;
      naive = { batch: naiveBatch, msPerBatch: nms, sequencesPerSecond: (1000 * naiveBatch) / nms };
      agreement = agreementWith(runBP(g, small, { downward }), ref!, downward);
    }
    const sps = (1000 * batch) / t.wall;
    return {
      name,
      description,
      batch,
      downward,
      msPerBatch: t.wall,
      sequencesPerSecond: sps,
      cpuMsPerBatch: t.cpu,
      cpuSequencesPerSecond: (1000 * batch) / t.cpu,
      bytesPerSequence: messageBytesPerSequence(g, downward, true),
      defaultBytesPerSequence: messageBytesPerSequence(g, downward),
      naive,
      agreement,
      speedup: naive ? sps / naive.sequencesPerSecond : null,
    };
  });
  return { node: process.version, cases, text: formatBench(cases) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function agreementWith(fast: BPResult, ref: NaiveBPResult, downward: boolean): BenchCase["agreement"] {
  const levels = downward
    ? fast.marginals!.map((m, l) => maxAbsDiff(m, ref.marginals[l]))
    : [maxAbsDiff(fast.root, ref.marginals[0])];
  return { maxAbsLogZ: maxAbsDiff(fast.logZ, ref.logZ), maxAbsMarginal: Math.max(...levels) };
}

function formatBench(cases: BenchCase[]): string {
  const lines = [`runBP benchmark (${process.version}, one thread, float64)`];
  for (const c of cases) {
    lines.push(
      `${c.description}, batch ${c.batch}${c.downward ? ", up+down+marginals" : ", upward only"}: ` +
        `${c.msPerBatch.toFixed(1)} ms/batch, ${c.sequencesPerSecond.toFixed(0)} seq/s ` +
        `(CPU time: ${c.cpuMsPerBatch.toFixed(1)} ms, ${c.cpuSequencesPerSecond.toFixed(0)} seq/s), ` +
        `${(c.defaultBytesPerSequence / 1024).toFixed(0)} KiB results/seq (${(c.bytesPerSequence / 1024).toFixed(0)} KiB with messages)` +
        (c.naive
          ? `; naive log-domain ${c.naive.sequencesPerSecond.toFixed(1)} seq/s (batch ${c.naive.batch}), fast/naive = ${c.speedup!.toFixed(1)}x` +
            `, agreeing to ${c.agreement!.maxAbsLogZ.toExponential(1)} in log Z`
          : ""),
    );
  }
  return lines.join("\n");
}
