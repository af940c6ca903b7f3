/**
 * How runBP's time grows with batch, with the number of leaves d = m^L and with S, on
 * product grammars (m = 2), each point timed beside the numpy reference in the same run
 * (interleaved; numpy on one BLAS thread, like single-thread runBP), with the exponent of a log-log least-squares fit time ~ x^k per sweep.
 * The fit is a few lines here rather than @ghmkit/experiments' fitPowerLaw, so that the
 * bench does not depend on experiments.
 */
import { type Grammar, randomProductGrammar } from "@ghmkit/ghm";
import { messageBytesPerSequence, runBP } from "@ghmkit/bp";
import { evidenceFor, timeOnce } from "./bp_common";
import { NumpyBP, numpyUnavailable } from "./bp_numpy";

export interface ScalingPoint {
  /** The swept quantity (batch, d or S). */
  x: number;
  batch: number;
  L: number;
  S: number;
  /** runBP, best-of-repeats wall ms for the whole batch. */
  ms: number;
  /** numpy reference, same (null when it is not runnable here). */
  numpyMs: number | null;
  /** runBP's result bytes per sequence (marginals, root, logZ). */
  bytesPerSequence: number;
}

export interface ScalingSweep {
  variable: "batch" | "d" | "S";
  points: ScalingPoint[];
  /** k of time ~ x^k (log-log least squares) for runBP, and for numpy. */
  exponent: number;
  numpyExponent: number | null;
}

export interface ScalingReport {
  sweeps: ScalingSweep[];
  text: string;
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

async function point(
  x: number,
  batch: number,
  L: number,
  S: number,
  o: { sigma: number; seed: number; reps: number; numpy: boolean },
): Promise<ScalingPoint> {
  const g: Grammar = randomProductGrammar({ depth: L, arity: 2, vocab: S, seed: o.seed });
  const ev = evidenceFor(g, batch, o.sigma, o.seed + 10);
  const ref = o.numpy ? NumpyBP.start(g, ev, { threads: 1 }) : null;
  try {
    runBP(g, ev);
    if (ref) await ref.run();
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < o.reps; i++) {
      mine.push(timeOnce(() => runBP(g, ev)).ms);
      if (ref) theirs.push((await ref.run()).ms);
    }
    // The best of the repetitions: the least disturbed by other load, for both sides alike.
    return {
      x,
      batch,
      L,
      S,
      ms: Math.min(...mine),
      numpyMs: ref ? Math.min(...theirs) : null,
      bytesPerSequence: messageBytesPerSequence(g),
    };
  } finally {
    ref?.close();
  }
}

export async function scalingSweeps(o: {
  quick: boolean;
  sigma: number;
  seed: number;
  reference: boolean;
}): Promise<ScalingReport> {
  const numpy = o.reference && numpyUnavailable() === null;
  const p = { sigma: o.sigma, seed: o.seed, reps: o.quick ? 2 : 3, numpy };
  const batches = o.quick ? [32, 64, 128] : [32, 64, 128, 256];
  const depths = o.quick ? [6, 7, 8] : [6, 7, 8, 9, 10];
  const vocabs = [8, 16, 32];
  const sweeps: ScalingSweep[] = [];
  const run = async (variable: ScalingSweep["variable"], xs: number[], at: (x: number) => [number, number, number]) => {
    const points: ScalingPoint[] = [];
    for (const x of xs) points.push(await point(x, ...at(x), p));
    sweeps.push({
      variable,
      points,
      exponent: logLogSlope(
        xs,
        points.map((q) => q.ms),
      ),
      numpyExponent: numpy
        ? logLogSlope(
            xs,
            points.map((q) => q.numpyMs!),
          )
        : null,
    });
  };
  const L0 = o.quick ? 6 : 8;
  const B0 = 32;
  await run("batch", batches, (b) => [b, L0, 16]);
  await run(
    "d",
    depths.map((L) => 2 ** L),
    (d) => [B0, Math.round(Math.log2(d)), 16],
  );
  await run("S", vocabs, (S) => [B0, L0, S]);
  return { sweeps, text: formatScaling(sweeps, numpy) };
}

function formatScaling(sweeps: ScalingSweep[], numpy: boolean): string {
  const lines = [
    `scaling (product grammars, m=2, up+down+marginals; best of the repetitions; time ~ x^k fitted by log-log least squares${numpy ? ", numpy on one BLAS thread in the same run" : ", numpy not runnable here"}):`,
  ];
  for (const s of sweeps) {
    const pts = s.points
      .map(
        (q) =>
          `${s.variable}=${q.x}: ${q.ms.toFixed(1)} ms` +
          (q.numpyMs === null ? "" : ` (numpy ${q.numpyMs.toFixed(1)})`) +
          `, ${(q.bytesPerSequence / 1024).toFixed(0)} KiB/seq`,
      )
      .join("; ");
    const fixed =
      s.variable === "batch"
        ? `L=${s.points[0].L} S=16`
        : s.variable === "d"
          ? `batch ${s.points[0].batch} S=16`
          : `batch ${s.points[0].batch} L=${s.points[0].L}`;
    lines.push(
      `  ${s.variable} (${fixed}): k = ${s.exponent.toFixed(2)}` +
        (s.numpyExponent === null ? "" : ` (numpy ${s.numpyExponent.toFixed(2)})`) +
        ` | ${pts}`,
    );
  }
  return lines.join("\n");
}
