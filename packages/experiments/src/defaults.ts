/**
 * The built-in default model every quick command falls back on: a small Random
 * Hierarchy Model (S = 8 symbols, C = 8 classes, k = 2 rules per symbol, m = 2,
 * L = 3, so d = 8 leaves). Small enough for seconds-long runs, deep enough that
 * the hierarchy matters.
 */
export const DEFAULT_RHM = { S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 0 } as const;
