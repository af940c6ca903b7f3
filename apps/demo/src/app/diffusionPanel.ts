/**
 * Generation, one reverse step at a time: after each step the tree shows BP's
 * marginals given the current noisy state x_t (what an exact denoiser believes about
 * every level), and at the end the generated sequence's exact log p(x) and validity.
 */
import { logLikelihood, runBP, validityPerLevel } from "@ghmkit/bp";
import { exactEvidence, leafCount } from "@ghmkit/ghm";
import { type Denoiser, Sampling, bpDenoiser, bpJointDenoiser, oneHot, stateEvidence } from "@ghmkit/diffusion";
import { DEMO_SCHEDULE } from "../model/noise";
import { byId, fmt, h } from "../view/dom";
import { renderStripTable } from "../view/strips";
import { renderTree } from "../view/tree";
import { publish } from "./debugHandle";
import type { DemoState } from "./state";
import { guarded, intField, setStatus } from "./ui";

type DenoiserChoice = "bp" | "bp-joint" | "unet";

/** A whole run takes about this long to watch, whatever the number of steps. */
const RUN_MS = 2500;

export class DiffusionPanel {
  private stepper: Sampling | null = null;
  private running = false;
  /** The Explorer's net module, for the U-Net denoiser. */
  net: { netDenoiser(model: unknown): Denoiser } | null = null;

  constructor(private readonly st: DemoState) {}

  wire(): void {
    byId<HTMLFormElement>("d-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void guarded("d-status", () => this.reset());
    });
    // A changed setting starts a new run, so Step and Run always follow the form.
    byId<HTMLFormElement>("d-form").addEventListener("change", () => void guarded("d-status", () => this.reset()));
    byId("d-step").addEventListener("click", () => void guarded("d-status", () => this.stepOnce()));
    byId("d-run").addEventListener(
      "click",
      () => void guarded("d-status", () => (this.running ? this.pause() : this.run())),
    );
  }

  enableUNet(on: boolean): void {
    const opt = byId<HTMLSelectElement>("d-denoiser").querySelector<HTMLOptionElement>('option[value="unet"]')!;
    opt.disabled = !on;
    opt.textContent = on ? "U-Net (loaded model)" : "U-Net (load a model)";
  }

  /** A fresh run from pure noise with the form's settings. */
  reset(): void {
    this.pause();
    const g = this.st.grammar;
    const choice = byId<HTMLSelectElement>("d-denoiser").value as DenoiserChoice;
    // diffusion's own sampling loop, one step at a time: a run ends on what generate() returns.
    this.stepper = new Sampling({
      grammar: g,
      denoiser: this.denoiser(choice),
      process: "vp",
      n: 1,
      sampler: byId<HTMLSelectElement>("d-sampler").value as "ddpm" | "ddim",
      steps: intField("d-steps", "steps"),
      seed: intField("d-seed", "sampler seed"),
      x0: choice === "bp-joint" ? "joint" : "marginal",
      schedule: DEMO_SCHEDULE,
    });
    this.render();
  }

  private denoiser(choice: DenoiserChoice): Denoiser {
    const g = this.st.grammar;
    if (choice === "bp") return bpDenoiser(g);
    if (choice === "bp-joint") return bpJointDenoiser(g);
    const unet = this.st.unet;
    if (!unet || !this.net) throw new Error("load a U-Net first (left panel), or pick a BP denoiser");
    if (unet.d !== leafCount(g) || unet.S !== g.vocab[g.depth])
      throw new Error(
        `the loaded U-Net expects d = ${unet.d}, S = ${unet.S}; this grammar has d = ${leafCount(g)}, S = ${g.vocab[g.depth]}`,
      );
    return this.net.netDenoiser(unet.model);
  }

  async stepOnce(): Promise<void> {
    if (!this.stepper || this.stepper.finished) this.reset();
    await this.stepper!.step();
    this.render();
  }

  async run(): Promise<void> {
    if (!this.stepper || this.stepper.finished) this.reset();
    const stepper = this.stepper!;
    this.setRunning(true);
    const pauseMs = Math.max(0, Math.min(120, RUN_MS / stepper.total));
    try {
      while (this.running && stepper === this.stepper && !stepper.finished) {
        await stepper.step();
        this.render();
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    } finally {
      if (stepper === this.stepper) this.setRunning(false);
    }
  }

  pause(): void {
    this.setRunning(false);
  }

  private setRunning(on: boolean): void {
    this.running = on;
    const b = byId("d-run");
    b.textContent = on ? "Pause" : "Run";
    b.setAttribute("aria-pressed", String(on));
  }

  render(): void {
    const sp = this.stepper;
    if (!sp) return;
    const g = this.st.grammar;
    const S = g.vocab[g.depth];
    const ev = sp.symbols ? exactEvidence(sp.symbols, 1, sp.d, S) : stateEvidence(sp.input());
    const bp = runBP(g, ev);
    const where = sp.finished ? "finished" : `t = ${sp.t} · ᾱ = ${fmt(sp.abar, 5)}`;
    setStatus("d-status", `Step ${sp.done} / ${sp.total} · ${where}`);
    const label = sp.finished
      ? "BP marginals of the generated sequence"
      : `BP marginals given the noisy state at t = ${sp.t}`;
    byId("d-tree").replaceChildren(
      renderTree({ layout: this.st.layout, vocab: g.vocab, marginals: bp.marginals!, label }),
    );
    // Finished by one exact joint draw (no last x_0 prediction): both rows show the drawn sequence.
    const drawn = sp.symbols && sp.x0 === null ? oneHot(sp.symbols, S) : null;
    const rows = [
      {
        id: "xt",
        name: sp.finished ? "x (generated)" : "state x_t",
        values: drawn ?? (sp.state as Float64Array),
        kind: "signed" as const,
        mse: null,
      },
      {
        id: "x0",
        name: "x₀ prediction",
        values: drawn ?? sp.x0,
        kind: "prob" as const,
        mse: null,
        note: "after the first step",
      },
    ];
    byId("d-leaves").replaceChildren(renderStripTable(rows, sp.d, S, null));
    const result = byId("d-result");
    if (!sp.symbols) {
      result.replaceChildren();
      publish({ sampler: { done: sp.done, total: sp.total, finished: false, t: sp.t, abar: sp.abar } });
      return;
    }
    const logp = logLikelihood(g, sp.symbols, 1)[0];
    const perLevel = validityPerLevel(g, sp.symbols, 1);
    const valid = logp > -Infinity;
    result.replaceChildren(
      h(
        "p",
        {},
        "Generated ",
        h("code", {}, `x = [${Array.from(sp.symbols).join(", ")}]`),
        ": ",
        h(
          "span",
          { class: valid ? "valid" : "invalid", "data-valid": String(valid) },
          valid ? "valid ✓" : "not a sentence of the grammar ✗",
        ),
        ` · exact log p(x) = ${fmt(logp, 3)}`,
        valid ? ` · class ${argmaxOf(bp.root)}` : "",
      ),
      h(
        "p",
        { class: "muted" },
        `Validity per level (fraction of nodes whose subtree has a parse), root to leaves: ${perLevel.map((v) => v.toFixed(2)).join(" · ")}`,
      ),
    );
    publish({
      sampler: {
        done: sp.done,
        total: sp.total,
        finished: true,
        x: Array.from(sp.symbols),
        logp,
        valid,
        validityPerLevel: perLevel,
      },
    });
  }
}

function argmaxOf(p: Float64Array): number {
  let best = 0;
  p.forEach((v, i) => {
    if (v > p[best]) best = i;
  });
  return best;
}
