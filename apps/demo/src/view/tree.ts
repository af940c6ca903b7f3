/**
 * The latent tree as SVG: every node a row of heat cells, one per symbol, shaded by
 * P(x_{l,i} = s | obs) (BP's marginals, SPEC.md section 3). The symbol written above
 * a node is its true symbol when a true tree is given (its cell is outlined), else
 * the most likely one.
 */
import { probColor } from "./colors";
import { s } from "./dom";
import type { TreeLayout } from "./layout";
import { argmax } from "../model/measures";

export interface TreeView {
  layout: TreeLayout;
  vocab: number[];
  /** marginals[l] = `[m^l, S_l]` for one sequence; zeros (impossible evidence) draw as blank. */
  marginals: Float64Array[];
  /** The sampled tree, `truth[l]` = `[m^l]`; absent for generated sequences. */
  truth?: Int32Array[];
  label: string;
}

export function renderTree(v: TreeView): SVGSVGElement {
  const { layout, vocab, marginals, truth } = v;
  const svg = s("svg", {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: "img",
    "aria-label": v.label,
    class: "tree",
  });
  const edges = s("g", { class: "edges" });
  const nodes = s("g", { class: "nodes" });
  svg.append(s("title", {}, v.label), edges, nodes);
  layout.levels.forEach((row, l) => {
    const S = vocab[l];
    for (const box of row) {
      if (box.parent >= 0) {
        const p = layout.levels[l - 1][box.parent];
        edges.append(
          s("line", { x1: p.x + p.width / 2, y1: p.y + p.height, x2: box.x + box.width / 2, y2: box.y - 13 }),
        );
      }
      const probs = marginals[l].subarray(box.index * S, (box.index + 1) * S);
      const shown = truth ? truth[l][box.index] : argmax(probs);
      const mass = probs.reduce((a, b) => a + b, 0);
      const g = s("g", {
        class: "node",
        "data-level": l,
        "data-index": box.index,
        "data-p": Array.from(probs, (p) => p.toFixed(6)).join(","),
      });
      const summary =
        mass === 0 ? "impossible evidence" : `P(${shown}) = ${probs[shown].toFixed(3)}, most likely ${argmax(probs)}`;
      g.append(
        s(
          "title",
          {},
          `level ${l}, node ${box.index}: ${truth ? "true symbol" : "most likely symbol"} ${shown}; ${summary}`,
        ),
      );
      for (let k = 0; k < S; k++) {
        g.append(
          s("rect", {
            x: box.x + k * box.cell,
            y: box.y,
            width: box.cell,
            height: box.height,
            fill: probColor(probs[k]),
            class: "cell",
          }),
        );
      }
      if (mass > 0 || truth) {
        g.append(
          s("rect", {
            x: box.x + shown * box.cell,
            y: box.y,
            width: box.cell,
            height: box.height,
            class: truth ? "truth" : "best",
          }),
        );
      }
      g.append(s("rect", { x: box.x, y: box.y, width: box.width, height: box.height, class: "frame" }));
      g.append(
        s("text", { x: box.x + box.width / 2, y: box.y - 4, class: "sym" }, mass === 0 && !truth ? "∅" : String(shown)),
      );
      nodes.append(g);
    }
  });
  return svg;
}
