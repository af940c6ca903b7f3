/**
 * Vega-Lite specs for the experiment figures: lines with points over long-format
 * rows (one row per plotted point), optional dashed reference series (Bayes / exact
 * BP), error bars (the seed interval of each point) and small multiples. Specs are plain data; render.ts draws them.
 */
import type { VegaLiteSpec } from "./render";

export type Row = Record<string, string | number | null>;

export interface AxisSpec {
  field: string;
  title: string;
  scale?: "linear" | "log";
  /** Fixed domain, e.g. [0, 1] for accuracies. */
  domain?: [number, number];
}

export interface LineChartOptions {
  title: string;
  rows: Row[];
  x: AxisSpec;
  y: AxisSpec;
  /** Field whose values are separate coloured series. */
  color?: { field: string; title: string };
  /** Rows whose `field` equals `value` (a reference such as Bayes) are drawn dashed; color already names them. */
  dashed?: { field: string; value: string };
  /** Fields holding each point's interval (e.g. from aggregateSeeds: yLo, yHi), drawn as error bars. */
  interval?: { lo: string; hi: string };
  /** Field to facet by (one panel per value, side by side). */
  column?: { field: string; title: string };
  width?: number;
  height?: number;
}

function axis(a: AxisSpec): Record<string, unknown> {
  const scale: Record<string, unknown> = { type: a.scale ?? "linear" };
  if (a.domain) scale.domain = a.domain;
  if (a.scale !== "log" && !a.domain) scale.zero = false;
  return { field: a.field, type: "quantitative", title: a.title, scale };
}

/** Rows with a null or non-finite x or y cannot be drawn (log scales refuse <= 0 too). */
function drawable(o: LineChartOptions): Row[] {
  const ok = (v: unknown, log: boolean): boolean => typeof v === "number" && Number.isFinite(v) && (!log || v > 0);
  const logY = o.y.scale === "log";
  const rows = o.rows.filter((r) => ok(r[o.x.field], o.x.scale === "log") && ok(r[o.y.field], logY));
  if (!o.interval) return rows;
  // An interval edge a log axis cannot show is cut at the point itself.
  const { lo, hi } = o.interval;
  return rows.map((r) => ({
    ...r,
    [lo]: ok(r[lo], logY) ? r[lo] : r[o.y.field],
    [hi]: ok(r[hi], logY) ? r[hi] : r[o.y.field],
  }));
}

export function lineChart(o: LineChartOptions): VegaLiteSpec {
  const encoding: Record<string, unknown> = {
    x: axis(o.x),
    y: axis(o.y),
    tooltip: [{ field: o.x.field }, { field: o.y.field }],
  };
  if (o.color)
    encoding.color = { field: o.color.field, type: "nominal", title: o.color.title, legend: { labelLimit: 320 } };
  if (o.dashed) {
    const values = [...new Set(o.rows.map((r) => String(r[o.dashed!.field])))];
    const solid = values.filter((v) => v !== o.dashed!.value);
    encoding.strokeDash = {
      field: o.dashed.field,
      type: "nominal",
      scale: { domain: [...solid, o.dashed.value], range: [...solid.map(() => [1, 0]), [6, 4]] },
      legend: null,
    };
  }
  const detail = [o.color?.field, o.dashed?.field].filter((f): f is string => f !== undefined);
  if (detail.length > 0) encoding.detail = detail.map((field) => ({ field, type: "nominal" }));
  const line = { mark: { type: "line", point: { filled: true, size: 40 }, strokeWidth: 2 }, encoding };
  const size = { width: o.width ?? 320, height: o.height ?? 220 };
  let inner: VegaLiteSpec = { ...size, ...line };
  if (o.interval) {
    const bars: Record<string, unknown> = {
      x: encoding.x,
      y: { ...axis(o.y), field: o.interval.lo },
      y2: { field: o.interval.hi },
    };
    if (encoding.color) bars.color = encoding.color;
    inner = { ...size, layer: [line, { mark: { type: "errorbar", ticks: true }, encoding: bars }] };
  }
  const data = { values: drawable(o) };
  if (o.column) {
    return {
      title: o.title,
      data,
      facet: { column: { field: o.column.field, type: "nominal", title: o.column.title } },
      spec: inner,
      resolve: { scale: { x: "independent" } },
    };
  }
  return { title: o.title, data, ...inner };
}
