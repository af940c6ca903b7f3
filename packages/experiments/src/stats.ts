/** Small numeric helpers for summaries. */

/** The first x where the piecewise-linear curve (xs ascending) falls to `level` or below; null if it never does. */
export function crossingDown(xs: number[], ys: number[], level: number): number | null {
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] <= level) {
      if (i === 0) return xs[0];
      const t = (ys[i - 1] - level) / (ys[i - 1] - ys[i]);
      return xs[i - 1] + t * (xs[i] - xs[i - 1]);
    }
  }
  return null;
}

/** n evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Rows grouped by a key function, in first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function num(v: unknown): number {
  if (typeof v !== "number") throw new Error(`expected a number in a result row, got ${JSON.stringify(v)}`);
  return v;
}
