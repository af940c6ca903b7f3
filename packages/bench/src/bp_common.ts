/** Helpers shared by the BP bench and its scaling sweeps. */
import { type Evidence, type Grammar, sampleNoisy } from "@ghmkit/ghm";

export function evidenceFor(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  return sampleNoisy(g, batch, { kind: "gaussian", alpha: 1, sigma }, { data: seed, noise: seed + 1 }).evidence;
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
