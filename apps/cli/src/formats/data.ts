import { z } from "zod";
import { type Grammar, leafCount, nodeCount, type SampleBatch } from "@ghmkit/ghm";
import { UserError } from "../errors";
import { parseWith } from "./schema";

/**
 * Data files written by `ghm sample` and read by classify/denoise/train:
 * `{"format":"ghm-data/v1","n":N,"d":d,"x":[n][d],"y":[n],"tree"?:[L+1][n][m^l],"seed":s}`.
 */
export const dataFileSchema = z.object({
  format: z.literal("ghm-data/v1"),
  n: z.number().int().min(0),
  d: z.number().int().min(1),
  x: z.array(z.array(z.number().int().min(0))),
  y: z.array(z.number().int().min(0)),
  tree: z.array(z.array(z.array(z.number().int().min(0)))).optional(),
  seed: z.number().optional(),
});
export type DataFile = z.infer<typeof dataFileSchema>;

export function dataToJson(batch: SampleBatch, seed?: number): DataFile {
  const rows = (a: Int32Array, w: number): number[][] =>
    Array.from({ length: batch.n }, (_, b) => Array.from(a.subarray(b * w, (b + 1) * w)));
  const out: DataFile = {
    format: "ghm-data/v1",
    n: batch.n,
    d: batch.d,
    x: rows(batch.x, batch.d),
    y: Array.from(batch.y),
  };
  if (batch.tree) out.tree = batch.tree.map((lv) => rows(lv, lv.length / Math.max(batch.n, 1)));
  if (seed !== undefined) out.seed = seed;
  return out;
}

/** Parses a data file and checks it against the grammar (leaf count, symbol ranges). */
export function parseDataFile(json: unknown, g: Grammar, what: string): SampleBatch {
  const f = parseWith(dataFileSchema, json, what);
  const d = leafCount(g);
  if (f.d !== d)
    throw new UserError(
      `${what}: d = ${f.d} but the grammar has d = m^L = ${d}: use the grammar the data was sampled from`,
    );
  if (f.x.length !== f.n || f.y.length !== f.n)
    throw new UserError(`${what}: n = ${f.n} but x has ${f.x.length} rows and y ${f.y.length} entries`);
  const x = new Int32Array(f.n * d);
  const S = g.vocab[g.depth];
  f.x.forEach((r, b) => {
    if (r.length !== d) throw new UserError(`${what}: x[${b}] has ${r.length} leaves, expected d = ${d}`);
    r.forEach((s, i) => {
      if (s >= S) throw new UserError(`${what}: x[${b}][${i}] = ${s} is outside the leaf vocabulary [0, ${S - 1}]`);
      x[b * d + i] = s;
    });
  });
  const C = g.vocab[0];
  f.y.forEach((c, b) => {
    if (c >= C) throw new UserError(`${what}: y[${b}] = ${c} is outside the classes [0, ${C - 1}]`);
  });
  const out: SampleBatch = { n: f.n, d, x, y: Int32Array.from(f.y) };
  if (f.tree) {
    if (f.tree.length !== g.depth + 1)
      throw new UserError(`${what}: tree has ${f.tree.length} levels, expected L + 1 = ${g.depth + 1}`);
    out.tree = f.tree.map((lv, l) => {
      const w = nodeCount(g, l);
      const a = new Int32Array(f.n * w);
      lv.forEach((r, b) => {
        if (r.length !== w)
          throw new UserError(`${what}: tree[${l}][${b}] has ${r.length} nodes, expected m^${l} = ${w}`);
        a.set(r, b * w);
      });
      return a;
    });
  }
  return out;
}
