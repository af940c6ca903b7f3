/**
 * Seed aggregation of result rows: rows that agree on the key fields (everything but
 * the seed) become one row holding, for each value field f, the seed mean f, its 95%
 * interval fLo / fHi, and the number of seeds n.
 */
import type { Row } from "../report/charts";
import { type Interval, meanInterval } from "./interval";

export interface SeedGroup {
  key: Row;
  rows: Row[];
}

/** Rows grouped by the values of `keys`, in first-seen order. */
export function groupRows(rows: Row[], keys: string[]): SeedGroup[] {
  const groups = new Map<string, SeedGroup>();
  for (const r of rows) {
    const key: Row = {};
    for (const k of keys) key[k] = r[k] ?? null;
    const id = JSON.stringify(keys.map((k) => key[k]));
    const g = groups.get(id);
    if (g) g.rows.push(r);
    else groups.set(id, { key, rows: [r] });
  }
  return [...groups.values()];
}

/** The seed interval of numeric field `field` over `rows` (null or non-finite values are skipped); null when none is left. */
export function intervalOf(rows: Row[], field: string): Interval | null {
  const xs = rows.map((r) => r[field]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return xs.length ? meanInterval(xs) : null;
}

/** One row per group: key fields, then f, fLo, fHi for every value field, and n (seeds). */
export function aggregateSeeds(rows: Row[], keys: string[], fields: string[]): Row[] {
  return groupRows(rows, keys).map(({ key, rows: rs }) => {
    const out: Row = { ...key, n: rs.length };
    for (const f of fields) {
      const iv = intervalOf(rs, f);
      out[f] = iv ? iv.mean : null;
      out[`${f}Lo`] = iv ? iv.lo : null;
      out[`${f}Hi`] = iv ? iv.hi : null;
    }
    return out;
  });
}
