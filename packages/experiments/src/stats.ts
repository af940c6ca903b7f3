/** Small numeric helpers for summaries (the statistics themselves are in statistics/). */

/** n evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

export function num(v: unknown): number {
  if (typeof v !== "number") throw new Error(`expected a number in a result row, got ${JSON.stringify(v)}`);
  return v;
}
