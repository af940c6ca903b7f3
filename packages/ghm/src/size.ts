import { GrammarError } from "./grammarError";
import type { KernelKind } from "./grammar";

/**
 * Size guard. A dense kernel holds S_{l-1} * S_l^m numbers, which explodes with m;
 * refusing early (from the header alone) beats an out-of-memory crash half-way
 * through parsing or generating. The default, 2^27 entries, is 1 GiB of Float64.
 */
export const DEFAULT_MAX_ENTRIES = 2 ** 27;

/**
 * Largest arity of a dense kernel. Its table is nested m + 1 arrays deep (and
 * validated by one schema per axis), so an arity of 2^31 with S_l = 1, a table of one
 * entry, would otherwise build billions of validators before failing.
 */
export const MAX_DENSE_ARITY = 64;

/**
 * Numbers stored for one kernel table: `product` m * S_{l-1} * S_l, `dense`
 * S_{l-1} * S_l^m. `rules` levels have no fixed size (it is the number of rules),
 * so they count 0 here. May exceed 2^53 or be Infinity for absurd shapes.
 */
export function kernelEntries(kind: KernelKind, sParent: number, sChild: number, arity: number): number {
  switch (kind) {
    case "product":
      return arity * sParent * sChild;
    case "dense":
      return sParent * sChild ** arity;
    case "rules":
      return 0;
  }
}

export interface GrammarShape {
  arity: number;
  /** `[S_0, ..., S_L]`. */
  vocab: number[];
  /** Kernel kind of each level l = 1..L. */
  kinds: KernelKind[];
}

export interface GrammarSizeEstimate {
  /** Table entries per level l = 1..L (0 for `rules`). */
  levelEntries: number[];
  /** Bytes of Float64 tables over all levels (rules levels not counted). */
  bytes: number;
}

/** Memory a grammar of this shape needs for its product/dense tables, computed without allocating. */
export function estimateGrammarBytes(shape: GrammarShape): GrammarSizeEstimate {
  const levelEntries = shape.kinds.map((kind, i) =>
    kernelEntries(kind, shape.vocab[i], shape.vocab[i + 1], shape.arity),
  );
  return { levelEntries, bytes: 8 * levelEntries.reduce((a, b) => a + b, 0) };
}

/**
 * Throws a GrammarError at `path` when kernel K_l (l = 1..L) would hold more than
 * `maxEntries` numbers; the message gives the estimate and the limit.
 */
export function assertKernelFits(
  kind: KernelKind,
  level: number,
  sParent: number,
  sChild: number,
  arity: number,
  maxEntries: number = DEFAULT_MAX_ENTRIES,
  path = `levels[${level - 1}]`,
): void {
  if (kind === "dense" && arity > MAX_DENSE_ARITY) {
    throw new GrammarError(
      path,
      `dense kernel K_${level} with arity m = ${arity}: a dense table is nested m + 1 arrays deep, supported up to m = ${MAX_DENSE_ARITY}; use a rules kernel`,
    );
  }
  const n = kernelEntries(kind, sParent, sChild, arity);
  if (n <= maxEntries) return;
  const formula =
    kind === "dense"
      ? `S_${level - 1} * S_${level}^m = ${sParent} * ${sChild}^${arity}`
      : `m * S_${level - 1} * S_${level} = ${arity} * ${sParent} * ${sChild}`;
  throw new GrammarError(
    path,
    `${kind} kernel K_${level} would hold ${formula} = ${n.toExponential(3)} entries (~${formatBytes(8 * n)}), ` +
      `above the limit of ${maxEntries} entries; use a smaller vocabulary or arity, a sparser kernel kind (rules), or raise maxEntries`,
  );
}

/**
 * Throws a GrammarError at `levels` when the product/dense tables of all levels
 * together would hold more than `maxEntries` numbers (each level may fit while 64
 * of them do not); the message gives the estimate and the limit. For generators,
 * before their first table is allocated.
 */
export function assertGrammarFits(shape: GrammarShape, maxEntries: number = DEFAULT_MAX_ENTRIES): void {
  const { levelEntries } = estimateGrammarBytes(shape);
  const total = levelEntries.reduce((a, b) => a + b, 0);
  if (total <= maxEntries) return;
  throw new GrammarError(
    "levels",
    `the kernel tables of the ${levelEntries.length} levels would hold ${total.toExponential(3)} entries together (~${formatBytes(8 * total)}), ` +
      `above the limit of ${maxEntries} entries; use fewer levels, a smaller vocabulary or arity, rules kernels, or raise maxEntries`,
  );
}

function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return "infinite memory";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) {
    b /= 1024;
    u++;
  }
  return `${b.toPrecision(3)} ${units[u]}`;
}
