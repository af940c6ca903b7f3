/** The forward-backward experiment on the sample on screen, with the flip marked. */
import { forwardBackwardOne, timeGrid } from "../model/forwardBackwardOne";
import { DEMO_SCHEDULE } from "../model/noise";
import { byId, fmt, h } from "../view/dom";
import { fbLegend, renderFBPlot } from "../view/plot";
import { publish } from "./debugHandle";
import type { DemoState } from "./state";
import { guarded, intField, nextFrame, setStatus } from "./ui";

export class FBPanel {
  constructor(private readonly st: DemoState) {}

  wire(): void {
    byId<HTMLFormElement>("fb-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void guarded("fb-status", () => this.run());
    });
  }

  clear(): void {
    byId("fb-plot").replaceChildren();
    byId("fb-legend").replaceChildren();
    setStatus("fb-status", "Run it for the sample above.");
    publish({ fb: null });
  }

  async run(): Promise<void> {
    const levels = intField("fb-levels", "levels");
    const repeats = intField("fb-repeats", "draws per level");
    const seed = intField("fb-seed", "forward-backward seed");
    setStatus("fb-status", "Running…");
    await nextFrame();
    const g = this.st.grammar;
    const res = forwardBackwardOne(g, this.st.tree, {
      times: timeGrid(levels),
      repeats,
      seed,
      schedule: DEMO_SCHEDULE,
    });
    byId("fb-plot").replaceChildren(renderFBPlot(res, g.vocab[0]));
    byId("fb-legend").replaceChildren(
      ...fbLegend(g.depth).map((e) => {
        const sw = h("span", { class: "sw" });
        sw.style.background = e.color;
        return h("li", {}, sw, e.label);
      }),
      h("li", {}, h("span", { class: "sw", style: "background:#9aa8bb" }), "chance 1/C"),
    );
    const flip = res.flipU === null ? null : res.rows.find((r) => r.u === res.flipU)!;
    setStatus(
      "fb-status",
      flip
        ? `The class flips at u ≈ ${flip.u.toFixed(3)} (ᾱ ≈ ${fmt(flip.abar, 4)}): most posterior draws then say y = ${flip.majority}, not ${res.trueClass} (${(100 * flip.classAgreement).toFixed(0)}% keep it).`
        : `The class never flips on this grid: y = ${res.trueClass} stays the most drawn class up to u = 1.`,
    );
    byId("fb-panel").dataset.flip = res.flipU === null ? "none" : String(res.flipU);
    publish({ fb: { levels, repeats, seed, ...res } });
  }
}
