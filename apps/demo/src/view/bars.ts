/** Root posterior P(y | obs) as labelled horizontal bars; the true class is marked. */
import { fmt, h } from "./dom";

export function renderBars(p: Float64Array, trueClass: number | null, caption: string): HTMLElement {
  const list = h("ol", { class: "bars", "aria-label": caption, start: 0 });
  p.forEach((v, c) => {
    const bar = h("span", { class: "bar" });
    bar.style.width = `${(100 * v).toFixed(2)}%`;
    list.append(
      h(
        "li",
        { class: c === trueClass ? "true-class" : undefined, "data-class": c, "data-p": v.toPrecision(12) },
        h("span", { class: "bar-label" }, `y = ${c}${c === trueClass ? " ✓" : ""}`),
        h("span", { class: "bar-track" }, bar),
        h("span", { class: "num" }, fmt(v, 3)),
      ),
    );
  });
  return list;
}
