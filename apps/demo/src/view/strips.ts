/**
 * The leaves side by side: one row per estimate of the clean sequence (noisy
 * observation, grammar-free guess, BP, U-Net), each d leaves x S symbol cells, with
 * its MSE against the clean one-hot sequence.
 */
import { divergingColor, probColor } from "./colors";
import { fmt, h, s } from "./dom";
import { CELL } from "./layout";

export interface StripRow {
  id: string;
  name: string;
  /** `[d, S]` values, or null when this estimate is not available (message instead). */
  values: Float64Array | null;
  kind: "prob" | "signed";
  mse: number | null;
  note?: string;
}

export function renderStrip(
  values: Float64Array,
  d: number,
  S: number,
  kind: "prob" | "signed",
  truth: Int32Array | null,
  label: string,
): SVGSVGElement {
  const gap = 6;
  const w = d * (S * CELL.w + gap) - gap;
  const svg = s("svg", { viewBox: `0 0 ${w} ${CELL.h}`, role: "img", "aria-label": label, class: "strip" });
  for (let i = 0; i < d; i++) {
    const x0 = i * (S * CELL.w + gap);
    for (let k = 0; k < S; k++) {
      const v = values[i * S + k];
      svg.append(
        s("rect", {
          x: x0 + k * CELL.w,
          y: 0,
          width: CELL.w,
          height: CELL.h,
          fill: kind === "prob" ? probColor(v) : divergingColor(v),
          class: "cell",
        }),
      );
    }
    if (truth)
      svg.append(s("rect", { x: x0 + truth[i] * CELL.w, y: 0, width: CELL.w, height: CELL.h, class: "truth" }));
    svg.append(s("rect", { x: x0, y: 0, width: S * CELL.w, height: CELL.h, class: "frame" }));
  }
  return svg;
}

/** `truth`: the clean sequence, outlined in every row (null when there is none, e.g. while generating). */
export function renderStripTable(rows: StripRow[], d: number, S: number, truth: Int32Array | null): HTMLTableElement {
  const body = h("tbody");
  for (const r of rows) {
    const cell = r.values
      ? renderStrip(r.values, d, S, r.kind, truth, `${r.name}: ${d} leaves`)
      : h("span", { class: "muted" }, r.note ?? "not available");
    body.append(
      h(
        "tr",
        { "data-row": r.id },
        h("th", { scope: "row" }, r.name),
        h("td", { class: "strip-cell" }, cell),
        h(
          "td",
          { class: "num", "data-mse": r.mse === null ? "" : r.mse.toPrecision(12) },
          r.mse === null ? "—" : fmt(r.mse, 4),
        ),
      ),
    );
  }
  return h(
    "table",
    { class: "strips" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "estimate"),
        h("th", { scope: "col" }, truth ? "leaves (outline = clean symbol)" : "leaves"),
        h("th", { scope: "col" }, "MSE"),
      ),
    ),
    body,
  );
}
