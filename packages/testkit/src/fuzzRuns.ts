/**
 * How many generated cases a fuzz property runs: a few hundred in the regular suite,
 * `GHM_FUZZ_RUNS` (e.g. 100000, the nightly size: `pnpm fuzz`) when set.
 */
export function fuzzRuns(regular: number): number {
  const env = process.env.GHM_FUZZ_RUNS;
  if (env === undefined || env === "") return regular;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`GHM_FUZZ_RUNS must be a positive integer, got "${env}"`);
  return n;
}

/** Per-test jest timeout: the suite's 60 s, or unbounded-in-practice for a nightly run. */
export function fuzzTimeout(): number {
  return process.env.GHM_FUZZ_RUNS ? 6 * 3600_000 : 60_000;
}
