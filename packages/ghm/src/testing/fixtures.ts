/** Small hand-written ghm/v1 documents for tests (one per kernel kind). */
import type { GhmV1Json } from "../format";

export function productDoc(): GhmV1Json {
  return {
    format: "ghm/v1",
    depth: 2,
    arity: 2,
    vocab: [2, 3, 2],
    root: [0.25, 0.75],
    levels: [
      {
        kind: "product",
        matrices: [
          [
            [0.5, 0.25, 0.25],
            [0.1, 0.2, 0.7],
          ],
          [
            [1, 0, 0],
            [0.3, 0.3, 0.4],
          ],
        ],
      },
      {
        kind: "product",
        matrices: [
          [
            [0.9, 0.1],
            [0.2, 0.8],
            [0.5, 0.5],
          ],
          [
            [0.6, 0.4],
            [0, 1],
            [0.125, 0.875],
          ],
        ],
      },
    ],
  };
}

export function rulesDoc(): GhmV1Json {
  return {
    format: "ghm/v1",
    depth: 2,
    arity: 2,
    vocab: [2, 3, 3],
    root: [0.5, 0.5],
    levels: [
      {
        kind: "rules",
        rules: [
          [
            { children: [0, 1], p: 0.25 },
            { children: [2, 2], p: 0.75 },
          ],
          [{ children: [1, 0], p: 1 }],
        ],
      },
      {
        kind: "rules",
        rules: [
          [
            { children: [0, 0], p: 0.5 },
            { children: [1, 2], p: 0.5 },
          ],
          [{ children: [2, 1], p: 1 }],
          [
            { children: [0, 2], p: 0.4 },
            { children: [2, 0], p: 0.6 },
          ],
        ],
      },
    ],
  };
}

export function denseDoc(): GhmV1Json {
  return {
    format: "ghm/v1",
    depth: 1,
    arity: 2,
    vocab: [2, 2],
    root: [1, 0],
    levels: [
      {
        kind: "dense",
        tensor: [
          [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
          [
            [0, 0.5],
            [0.5, 0],
          ],
        ],
      },
    ],
  };
}
