/** Helpers shared by the BP bench and its scaling sweeps. */
import { type Evidence, type Grammar, Rng, noisyEvidence, sample } from "@ghmkit/ghm";

export function evidenceFor(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
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

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall and process-CPU milliseconds of one call. */
export function timeOnce(f: () => void): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}
