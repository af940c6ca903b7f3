/** Argument checks shared by the generators and evidence builders: errors name the field and the fix. */
import { InputError } from "./inputError";

export function requireInt(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max >= 2 ** 31 - 1 ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InputError(name, `must be an integer ${range}, got ${String(v)}`);
  }
  return v;
}

/** A finite number in [min, max] (inclusive unless `openMin`). */
export function requireNumber(name: string, v: unknown, min: number, max: number, openMin = false): number {
  const ok = typeof v === "number" && Number.isFinite(v) && (openMin ? v > min : v >= min) && v <= max;
  if (!ok) {
    const lo = openMin ? `(${min}` : `[${min}`;
    const hi = max === Infinity ? "Infinity)" : `${max}]`;
    throw new InputError(name, `must be a finite number in ${lo}, ${hi}, got ${String(v)}`);
  }
  return v as number;
}

export function requireSeed(v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new InputError(
      "seed",
      `must be a finite number, got ${String(v)}`,
      "every random grammar needs an explicit seed",
    );
  return v;
}

/**
 * `[S_0, ..., S_L]` from a generator's `classes` (S_0) and `vocab`: one size for
 * levels 1..L, or the list `[S_1, ..., S_L]`. `classes` defaults to S_1.
 */
export function resolveVocab(depth: number, vocab: number | number[], classes: number | undefined): number[] {
  const below = typeof vocab === "number" ? new Array<number>(depth).fill(vocab) : vocab;
  if (!Array.isArray(below) || below.length !== depth) {
    throw new InputError(
      "vocab",
      `must be one size or a list [S_1, ..., S_L] of depth = ${depth} sizes, got ${JSON.stringify(vocab)}`,
    );
  }
  below.forEach((s, i) => requireInt(`vocab[${i}] (S_${i + 1})`, s, 1, 2 ** 31 - 1));
  const c = requireInt("classes (S_0)", classes ?? below[0], 1, 2 ** 31 - 1);
  return [c, ...below];
}
