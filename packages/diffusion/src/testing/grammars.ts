import type { Grammar } from "@ghmkit/ghm";

/**
 * A hand-made unambiguous rules grammar: C = 2, S = 3, m = 2, L = 2 (d = 4), two
 * rules per symbol, 16 sentences out of 3^4 = 81 sequences.
 */
export function tinyRules(root: [number, number] = [0.5, 0.5]): Grammar {
  const rule = (a: number, b: number) => ({ children: [a, b], p: 0.5 });
  return {
    depth: 2,
    arity: 2,
    vocab: [2, 3, 3],
    root: Float64Array.from(root),
    levels: [
      {
        kind: "rules",
        rules: [
          [rule(0, 1), rule(2, 2)],
          [rule(1, 0), rule(0, 0)],
        ],
      },
      {
        kind: "rules",
        rules: [
          [rule(0, 1), rule(1, 2)],
          [rule(2, 0), rule(1, 1)],
          [rule(0, 0), rule(2, 2)],
        ],
      },
    ],
  };
}
