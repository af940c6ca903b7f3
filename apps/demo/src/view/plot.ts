/** Line chart of the forward-backward agreements against the diffusion time u. */
import type { FBResult } from "../model/forwardBackwardOne";
import { s } from "./dom";

const W = 560;
const H = 260;
const M = { l: 44, r: 12, t: 12, b: 40 };
const LEVEL_COLORS = ["#08306b", "#2171b5", "#6baed6", "#9ecae1", "#c6dbef"];

export function renderFBPlot(res: FBResult, classes: number): SVGSVGElement {
  const x = (u: number): number => M.l + u * (W - M.l - M.r);
  const y = (p: number): number => H - M.b - p * (H - M.t - M.b);
  const svg = s("svg", {
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    class: "plot",
    "aria-label": "Fraction of posterior draws that keep the tree's symbols, per level, against the diffusion time u",
  });
  const axes = s("g", { class: "axes" });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    axes.append(
      s("line", { x1: x(t), x2: x(t), y1: y(0), y2: y(0) + 4 }),
      s("text", { x: x(t), y: y(0) + 16, "text-anchor": "middle" }, t.toFixed(2)),
    );
    axes.append(
      s("line", { x1: x(0) - 4, x2: x(0), y1: y(t), y2: y(t) }),
      s("text", { x: x(0) - 7, y: y(t) + 4, "text-anchor": "end" }, t.toFixed(2)),
    );
  }
  axes.append(
    s("line", { x1: x(0), x2: x(1), y1: y(0), y2: y(0) }),
    s("line", { x1: x(0), x2: x(0), y1: y(0), y2: y(1) }),
  );
  axes.append(
    s("text", { x: (x(0) + x(1)) / 2, y: H - 6, "text-anchor": "middle" }, "diffusion time u (noise grows →)"),
  );
  svg.append(axes);
  svg.append(s("line", { x1: x(0), x2: x(1), y1: y(1 / classes), y2: y(1 / classes), class: "chance" }));
  if (res.flipU !== null)
    svg.append(s("line", { x1: x(res.flipU), x2: x(res.flipU), y1: y(0), y2: y(1), class: "flip" }));
  const L = res.rows[0].levelAgreement.length - 1;
  for (let l = L; l >= 0; l--) {
    const pts = res.rows.map((r) => `${x(r.u).toFixed(1)},${y(r.levelAgreement[l]).toFixed(1)}`).join(" ");
    svg.append(
      s(
        "polyline",
        {
          points: pts,
          class: l === 0 ? "line root" : "line",
          stroke: LEVEL_COLORS[Math.min(l, LEVEL_COLORS.length - 1)],
        },
        s("title", {}, l === 0 ? "root class" : `level ${l} symbols`),
      ),
    );
  }
  return svg;
}

/** Legend entries matching the plot's colours. */
export function fbLegend(depth: number): { label: string; color: string }[] {
  return Array.from({ length: depth + 1 }, (_, l) => ({
    label: l === 0 ? "root class" : l === depth ? `leaves (level ${l})` : `level ${l}`,
    color: LEVEL_COLORS[Math.min(l, LEVEL_COLORS.length - 1)],
  }));
}
