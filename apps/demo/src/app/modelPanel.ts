/**
 * Loading a U-Net: TensorFlow.js is imported on the first load only, so the page
 * itself stays small. A model that carries its grammar (grammar.json beside it, as
 * `ghm compile` writes, or an RHM spec in ghm-model.json) switches the page to that
 * grammar, since its weights fit no other.
 */
import { grammarFingerprint } from "@ghmkit/ghm";
import { type GrammarSpec, buildGrammar, checkSpec } from "../model/grammarSpec";
import { byId } from "../view/dom";
import type { DiffusionPanel } from "./diffusionPanel";
import { type Explorer, describeSpec } from "./explorer";
import type { DemoState, NetModule } from "./state";
import { guarded, setStatus } from "./ui";
import type { LoadedUNet } from "../net/loadUNet";

/** The U-Net shipped with the page (public/models/rhm-unet; see src/scripts/exampleModel.manual.test.ts). */
export const EXAMPLE_MODEL = "models/rhm-unet";

export class ModelPanel {
  private net: NetModule | null = null;

  constructor(
    private readonly st: DemoState,
    private readonly explorer: Explorer,
    private readonly diffusion: DiffusionPanel,
  ) {}

  wire(): void {
    byId<HTMLInputElement>("m-files").addEventListener("change", (ev) => {
      const files = Array.from((ev.target as HTMLInputElement).files ?? []);
      if (files.length > 0) void guarded("m-status", () => this.load((net) => net.loadFromFiles(files)));
    });
    byId("m-example").addEventListener("click", () => {
      void guarded("m-status", () => this.load((net) => net.loadFromUrl(EXAMPLE_MODEL)));
    });
    byId<HTMLFormElement>("model-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const url = byId<HTMLInputElement>("m-url").value;
      void guarded("m-status", () => this.load((net) => net.loadFromUrl(url)));
    });
  }

  async load(from: (net: NetModule) => Promise<LoadedUNet>): Promise<void> {
    setStatus("m-status", this.net ? "Loading the model…" : "Loading TensorFlow.js and the model…");
    const net = await this.tf();
    const loaded = await from(net);
    this.st.unet?.model.dispose();
    this.st.unet = loaded;
    this.explorer.net = net;
    this.diffusion.net = net;
    const spec = trainingSpec(loaded);
    let note = "";
    if (loaded.grammar) {
      if (grammarFingerprint(loaded.grammar) !== grammarFingerprint(this.st.grammar)) {
        this.explorer.setGrammar(loaded.grammar, null, `${loaded.source}: its grammar.json`);
        note = " Switched to the grammar in its grammar.json.";
      }
    } else if (spec && !sameSpec(spec, this.st.spec)) {
      try {
        checkSpec(spec);
        this.explorer.writeSpec(spec);
        this.explorer.setGrammar(buildGrammar(spec), spec, describeSpec(spec));
        note = " Switched to the grammar it was trained on.";
      } catch (err) {
        note = ` Its training grammar cannot be drawn here (${err instanceof Error ? err.message : String(err)}).`;
      }
    }
    const arch = loaded.meta
      ? `${loaded.meta.arch} ${loaded.meta.task}, width ${loaded.meta.config.width}`
      : "denoiser (no ghm-model.json)";
    setStatus("m-status", `Loaded ${arch}: d = ${loaded.d}, S = ${loaded.S}, backend ${this.st.backend}.${note}`);
    this.diffusion.enableUNet(true);
    this.explorer.update();
  }

  private async tf(): Promise<NetModule> {
    if (!this.net) {
      const net = await import("../net/index");
      this.st.backend = await net.chooseBackend(this.st.backendPref);
      this.net = net;
    }
    return this.net;
  }
}

/** The RHM a model was trained on, from ghm-model.json's extra.grammar (train's GrammarSpec). */
function trainingSpec(m: LoadedUNet): GrammarSpec | null {
  const g = (m.meta?.extra as { grammar?: Record<string, unknown> } | undefined)?.grammar;
  if (g?.kind !== "rhm") return null;
  const n = (k: string): number => Number(g[k]);
  return {
    kind: "rhm",
    depth: n("depth"),
    arity: n("arity"),
    S: n("S"),
    classes: n("classes"),
    k: n("k"),
    p: 0.3,
    seed: n("seed"),
  };
}

function sameSpec(a: GrammarSpec, b: GrammarSpec | null): boolean {
  return (
    b !== null &&
    a.kind === b.kind &&
    (["depth", "arity", "S", "classes", "k", "seed"] as const).every((k) => a[k] === b[k])
  );
}
