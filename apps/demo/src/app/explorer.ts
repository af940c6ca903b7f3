/**
 * Grammar, sample and noise controls, and the two panels they drive: the latent tree
 * with BP's marginals at every level and the root posterior, and the leaves side by
 * side (noisy, grammar-free guess, BP, U-Net) with their MSE.
 */
import { runBP } from "@ghmkit/bp";
import { type Grammar, Rng, grammarToJson, leafCount, parseGrammar, sample } from "@ghmkit/ghm";
import { type GrammarSpec, LIMITS, buildGrammar, randomSpec } from "../model/grammarSpec";
import { leafMSE, leafwisePosterior, oneHotRows } from "../model/measures";
import { DEMO_SCHEDULE, type NoiseSetting, SIGMA_RANGE, observe } from "../model/noise";
import { renderBars } from "../view/bars";
import { byId, fmt, h } from "../view/dom";
import { treeLayout } from "../view/layout";
import { type StripRow, renderStripTable } from "../view/strips";
import { renderTree } from "../view/tree";
import { publish } from "./debugHandle";
import { type DemoState, type NetModule, leaves } from "./state";
import { guarded, intField, setStatus } from "./ui";

const SPEC_FIELDS = ["depth", "arity", "S", "classes", "k", "p", "seed"] as const;

export class Explorer {
  /** Called after the grammar changes (the sampler and forward-backward reset). */
  onGrammar: () => void = () => undefined;
  /** Called after the sample tree changes. */
  onSample: () => void = () => undefined;

  /** The lazily loaded TensorFlow.js part, once a model is loaded. */
  net: NetModule | null = null;

  constructor(private readonly st: DemoState) {}

  wire(): void {
    byId<HTMLFormElement>("grammar-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void guarded("g-status", () => this.buildFromForm());
    });
    byId("g-random").addEventListener("click", () => {
      void guarded("g-status", () => {
        const seed = (this.st.spec?.seed ?? 0) + 1;
        const spec = randomSpec(seed);
        this.writeSpec(spec);
        this.setGrammar(buildGrammar(spec), spec, describeSpec(spec));
      });
    });
    byId("g-kind").addEventListener("change", () => this.showKindFields());
    byId<HTMLInputElement>("g-file").addEventListener("change", (ev) => {
      const file = (ev.target as HTMLInputElement).files?.[0];
      if (file) void guarded("g-status", () => this.loadGrammarFile(file));
    });
    byId<HTMLFormElement>("sample-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void guarded("g-status", () => {
        this.st.sampleSeed = intField("s-seed", "sample seed");
        this.st.noiseSeed = intField("n-seed", "noise seed");
        this.resample();
      });
    });
    byId("n-new").addEventListener("click", () => {
      void guarded("g-status", () => {
        const input = byId<HTMLInputElement>("n-seed");
        input.value = String(intField("n-seed", "noise seed") + 1);
        this.st.noiseSeed = Number(input.value);
        this.update(); // the observation is redrawn from the new seed
      });
    });
    for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="n-kind"]')) {
      radio.addEventListener("change", () => {
        if (radio.checked) void guarded("g-status", () => this.setNoiseKind(radio.value as NoiseSetting["kind"]));
      });
    }
    byId<HTMLInputElement>("n-level").addEventListener("input", () => void guarded("g-status", () => this.readLevel()));
  }

  buildFromForm(): void {
    const spec = this.readSpec();
    this.setGrammar(buildGrammar(spec), spec, describeSpec(spec));
  }

  readSpec(): GrammarSpec {
    const kind = byId<HTMLSelectElement>("g-kind").value as GrammarSpec["kind"];
    const p = Number(byId<HTMLInputElement>("g-p").value);
    return {
      kind,
      depth: intField("g-depth", "depth L"),
      arity: intField("g-arity", "arity m"),
      S: intField("g-S", "symbols S"),
      classes: intField("g-classes", "classes C"),
      k: kind === "rhm" ? intField("g-k", "rules k") : 1,
      p,
      seed: intField("g-seed", "seed"),
    };
  }

  writeSpec(spec: GrammarSpec): void {
    byId<HTMLSelectElement>("g-kind").value = spec.kind;
    for (const f of SPEC_FIELDS) byId<HTMLInputElement>(`g-${f}`).value = String(spec[f]);
    this.showKindFields();
  }

  private showKindFields(): void {
    const kind = byId<HTMLSelectElement>("g-kind").value;
    for (const el of document.querySelectorAll<HTMLElement>(".rhm-only")) el.hidden = kind !== "rhm";
    for (const el of document.querySelectorAll<HTMLElement>(".product-only")) el.hidden = kind !== "product";
  }

  async loadGrammarFile(file: File): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      throw new Error(`${file.name} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const g = parseGrammar(json);
    checkDrawable(g);
    this.setGrammar(g, null, `file ${file.name}`);
  }

  setGrammar(g: Grammar, spec: GrammarSpec | null, source: string): void {
    checkDrawable(g);
    const st = this.st;
    st.grammar = g;
    st.spec = spec;
    st.grammarSource = source;
    st.layout = treeLayout(g.depth, g.arity, g.vocab);
    const S = g.vocab;
    setStatus(
      "g-status",
      `${source}: d = ${leafCount(g)} leaves, vocab [${S.join(", ")}], ${g.levels.map((k) => k.kind)[0]} kernels`,
    );
    this.resample();
    this.onGrammar();
  }

  resample(): void {
    const st = this.st;
    const s = sample(st.grammar, 1, new Rng(st.sampleSeed), { tree: true });
    st.tree = s.tree!;
    this.update();
    this.onSample();
  }

  setNoiseKind(kind: NoiseSetting["kind"]): void {
    const slider = byId<HTMLInputElement>("n-level");
    if (kind === "vp") {
      Object.assign(slider, { min: "0", max: "1", step: "0.005" });
      slider.value = "0.25";
    } else {
      Object.assign(slider, { min: String(SIGMA_RANGE.min), max: String(SIGMA_RANGE.max), step: "0.01" });
      slider.value = "0.8";
    }
    this.readLevel();
  }

  readLevel(): void {
    const slider = byId<HTMLInputElement>("n-level");
    const kind = document.querySelector<HTMLInputElement>('input[name="n-kind"]:checked')?.value ?? "vp";
    const v = Number(slider.value);
    this.st.noise = kind === "vp" ? { kind: "vp", u: v } : { kind: "gaussian", sigma: v };
    byId("n-level-label").textContent =
      kind === "vp" ? "Diffusion time u (0 = clean, 1 = pure noise)" : "Noise σ (signal α = 1)";
    this.update();
  }

  /** Recompute the observation, BP and every view of them. */
  update(): void {
    const st = this.st;
    const g = st.grammar;
    const L = g.depth;
    const S = g.vocab[L];
    const x = leaves(st);
    st.version++;
    st.obs = observe(x, S, st.noise, st.noiseSeed, DEMO_SCHEDULE);
    st.bp = runBP(g, st.obs.evidence);
    st.unetProbs = null;
    const out = byId("n-level-out");
    out.textContent =
      st.noise.kind === "vp"
        ? `u = ${st.noise.u.toFixed(3)} · ᾱ = ${fmt(st.obs.abar, 4)}`
        : `σ = ${st.noise.sigma.toFixed(2)} · same evidence as ᾱ = ${fmt(st.obs.abar, 4)}`;
    byId("n-level").setAttribute("aria-valuetext", out.textContent);
    this.renderTreePanel();
    this.renderLeaves();
    this.publishState();
    void this.refreshUNet();
  }

  /** Run the loaded network on the current observation (asynchronously; a newer update wins). */
  async refreshUNet(): Promise<void> {
    const st = this.st;
    const { unet, net, obs } = { unet: st.unet, net: this.net, obs: st.obs };
    if (!unet || !net || !obs || unet.d !== obs.evidence.d || unet.S !== obs.evidence.S) return;
    const version = st.version;
    const probs = await guardedValue(() => net.predictLeaves(unet.model, obs.evidence));
    if (probs === null || version !== st.version) return;
    st.unetProbs = probs;
    this.renderLeaves();
    this.publishState();
  }

  renderTreePanel(): void {
    const st = this.st;
    const g = st.grammar;
    const bp = st.bp!;
    const y = st.tree[0][0];
    const label = `Latent tree of depth ${g.depth}: BP marginals at every level given the noisy leaves; true class ${y}`;
    byId("tree-svg").replaceChildren(
      renderTree({ layout: st.layout, vocab: g.vocab, marginals: bp.marginals!, truth: st.tree, label }),
    );
    byId("root-bars").replaceChildren(renderBars(bp.root, y, "Root posterior over classes"));
    let best = 0;
    bp.root.forEach((p, c) => {
      if (p > bp.root[best]) best = c;
    });
    const facts: [string, string][] = [
      ["true class y", String(y)],
      ["BP's class", `${best} ${best === y ? "✓" : "✗"}`],
      ["log p(noisy leaves)", fmt(bp.logZ[0], 3)],
      ["signal ᾱ", fmt(st.obs!.abar, 4)],
      ["grammar", st.grammarSource],
    ];
    byId("ev-facts").replaceChildren(...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
    byId("tree-panel").dataset.version = String(st.version);
  }

  renderLeaves(): void {
    const st = this.st;
    const g = st.grammar;
    const S = g.vocab[g.depth];
    const d = leafCount(g);
    const x = leaves(st);
    const clean = oneHotRows(x, S);
    const leafwise = leafwisePosterior(st.obs!.evidence.e, S);
    const bpLeaves = st.bp!.marginals![g.depth];
    const rows: StripRow[] = [
      { id: "clean", name: "clean x₀", values: clean, kind: "prob", mse: 0 },
      { id: "noisy", name: "noisy leaves z", values: st.obs!.z, kind: "signed", mse: leafMSE(st.obs!.z, x, S) },
      { id: "leafwise", name: "each leaf alone", values: leafwise, kind: "prob", mse: leafMSE(leafwise, x, S) },
      { id: "bp", name: "BP (exact)", values: bpLeaves, kind: "prob", mse: leafMSE(bpLeaves, x, S) },
      this.unetRow(x, S, d),
    ];
    byId("leaf-table").replaceChildren(renderStripTable(rows, d, S, x));
    byId("leaves-panel").dataset.version = String(st.version);
  }

  private unetRow(x: Int32Array, S: number, d: number): StripRow {
    const { unet, unetProbs } = this.st;
    if (!unet)
      return {
        id: "unet",
        name: "U-Net",
        values: null,
        kind: "prob",
        mse: null,
        note: "Load a model trained by the CLI (left).",
      };
    if (unet.d !== d || unet.S !== S)
      return {
        id: "unet",
        name: "U-Net",
        values: null,
        kind: "prob",
        mse: null,
        note: `The loaded model expects d = ${unet.d}, S = ${unet.S}; this grammar has d = ${d}, S = ${S}.`,
      };
    if (!unetProbs) return { id: "unet", name: "U-Net", values: null, kind: "prob", mse: null, note: "computing…" };
    return { id: "unet", name: "U-Net", values: unetProbs, kind: "prob", mse: leafMSE(unetProbs, x, S) };
  }

  publishState(): void {
    const st = this.st;
    const x = leaves(st);
    const S = st.grammar.vocab[st.grammar.depth];
    const bp = st.bp!;
    publish({
      version: st.version,
      grammarSource: st.grammarSource,
      grammar: grammarToJson(st.grammar),
      sampleSeed: st.sampleSeed,
      noiseSeed: st.noiseSeed,
      noise: st.noise,
      tree: st.tree.map((l) => Array.from(l)),
      x: Array.from(x),
      evidence: Array.from(st.obs!.evidence.e),
      abar: st.obs!.abar,
      marginals: bp.marginals!.map((m) => Array.from(m)),
      root: Array.from(bp.root),
      logZ: bp.logZ[0],
      mse: {
        noisy: leafMSE(st.obs!.z, x, S),
        leafwise: leafMSE(leafwisePosterior(st.obs!.evidence.e, S), x, S),
        bp: leafMSE(bp.marginals![st.grammar.depth], x, S),
        unet: st.unetProbs ? leafMSE(st.unetProbs, x, S) : null,
      },
      unet: st.unet
        ? { source: st.unet.source, d: st.unet.d, S: st.unet.S, probs: st.unetProbs ? Array.from(st.unetProbs) : null }
        : null,
      backend: st.backend,
    });
  }
}

export function describeSpec(s: GrammarSpec): string {
  return s.kind === "rhm"
    ? `RHM L=${s.depth} m=${s.arity} S=${s.S} C=${s.classes} k=${s.k} seed=${s.seed}`
    : `product L=${s.depth} m=${s.arity} S=${s.S} C=${s.classes} p=${s.p} seed=${s.seed}`;
}

async function guardedValue<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (err) {
    setStatus("m-status", `U-Net failed: ${err instanceof Error ? err.message : String(err)}`, true);
    return null;
  }
}

/** A grammar from a file must still fit the drawing. */
function checkDrawable(g: Grammar): void {
  const d = leafCount(g);
  if (d > LIMITS.maxLeaves)
    throw new RangeError(
      `this grammar has d = ${d} leaves; the demo draws at most ${LIMITS.maxLeaves}: use a smaller depth or arity`,
    );
  const big = g.vocab.findIndex((S) => S > LIMITS.maxS);
  if (big >= 0)
    throw new RangeError(
      `S_${big} = ${g.vocab[big]} symbols is more than the demo draws (${LIMITS.maxS}); use a smaller vocabulary`,
    );
}
