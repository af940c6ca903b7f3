/**
 * Entry point: build the default grammar (the CLI's default training RHM), sample a
 * tree, and wire the panels. URL options: `?backend=webgl|wasm|cpu` (TensorFlow.js backend
 * for the U-Net, default: WebGL when available) and `?model=URL` (load a model
 * directory at start).
 */
import { leafCount } from "@ghmkit/ghm";
import { DEFAULT_SPEC, buildGrammar } from "./model/grammarSpec";
import { DiffusionPanel } from "./app/diffusionPanel";
import { Explorer, describeSpec } from "./app/explorer";
import { FBPanel } from "./app/fbPanel";
import { ModelPanel } from "./app/modelPanel";
import type { DemoState } from "./app/state";
import { guarded } from "./app/ui";
import { byId } from "./view/dom";
import { treeLayout } from "./view/layout";
import type { BrowserBackendPreference } from "@ghmkit/tensor";

const params = new URLSearchParams(location.search);
const grammar = buildGrammar(DEFAULT_SPEC);
const state: DemoState = {
  grammar,
  spec: DEFAULT_SPEC,
  grammarSource: describeSpec(DEFAULT_SPEC),
  layout: treeLayout(grammar.depth, grammar.arity, grammar.vocab),
  sampleSeed: 0,
  tree: [],
  noiseSeed: 0,
  noise: { kind: "vp", u: 0.25 },
  obs: null,
  bp: null,
  unet: null,
  unetProbs: null,
  backendPref: (params.get("backend") ?? "auto") as BrowserBackendPreference,
  backend: null,
  version: 0,
};

const explorer = new Explorer(state);
const diffusion = new DiffusionPanel(state);
const fb = new FBPanel(state);
const models = new ModelPanel(state, explorer, diffusion);

explorer.onGrammar = () => {
  const select = byId<HTMLSelectElement>("d-denoiser");
  const u = state.unet;
  const g = state.grammar;
  if (select.value === "unet" && (!u || u.d !== leafCount(g) || u.S !== g.vocab[g.depth])) select.value = "bp";
  void guarded("d-status", () => diffusion.reset());
};
explorer.onSample = () => fb.clear();

explorer.wire();
diffusion.wire();
fb.wire();
models.wire();

explorer.writeSpec(DEFAULT_SPEC);
explorer.setGrammar(grammar, DEFAULT_SPEC, describeSpec(DEFAULT_SPEC));
explorer.readLevel();

const modelUrl = params.get("model");
if (modelUrl) {
  byId<HTMLInputElement>("m-url").value = modelUrl;
  void guarded("m-status", () => models.load((net) => net.loadFromUrl(modelUrl)));
}
document.body.dataset.ready = "1";
