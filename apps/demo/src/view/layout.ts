/**
 * Geometry of the latent tree drawing: level l's m^l nodes are spread evenly over the
 * width, each node a row of S_l heat cells, so the leaves set the width. Pure numbers,
 * tested without a browser.
 */

export interface NodeBox {
  level: number;
  index: number;
  /** Top-left of the node's cell row, and its size. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Width of one symbol cell. */
  cell: number;
  /** Parent's box index at level - 1 (-1 at the root). */
  parent: number;
}

export interface TreeLayout {
  width: number;
  height: number;
  levels: NodeBox[][];
}

export const CELL = { w: 12, h: 18, gap: 10, rowGap: 46, label: 14, pad: 8 } as const;

export function treeLayout(depth: number, arity: number, vocab: number[]): TreeLayout {
  if (vocab.length !== depth + 1)
    throw new RangeError(`vocab must list depth + 1 = ${depth + 1} sizes, got ${vocab.length}`);
  const d = arity ** depth;
  const slot = Math.max(...vocab) * CELL.w + CELL.gap;
  const width = d * slot + 2 * CELL.pad;
  const rowH = CELL.h + CELL.label + CELL.rowGap;
  const levels: NodeBox[][] = [];
  for (let l = 0; l <= depth; l++) {
    const n = arity ** l;
    const span = (d / n) * slot;
    const S = vocab[l];
    const w = S * CELL.w;
    const row: NodeBox[] = [];
    for (let i = 0; i < n; i++) {
      const cx = CELL.pad + (i + 0.5) * span;
      row.push({
        level: l,
        index: i,
        x: cx - w / 2,
        y: CELL.pad + CELL.label + l * rowH,
        width: w,
        height: CELL.h,
        cell: CELL.w,
        parent: l === 0 ? -1 : Math.floor(i / arity),
      });
    }
    levels.push(row);
  }
  return { width, height: CELL.pad * 2 + CELL.label + depth * rowH + CELL.h, levels };
}
