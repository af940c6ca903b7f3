// Node side of .ci/pack-check, run inside a plain npm project holding the packed tarballs:
// every package imports by name (ESM importing the CommonJS Node entries), the file helpers
// from the /node subpaths, the shared computation on wasm, and one training step. Prints JSON.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ghm from "@ghmkit/ghm";
import { readGrammarFile, writeGrammarFile } from "@ghmkit/ghm/node";
import * as bp from "@ghmkit/bp";
import * as diffusion from "@ghmkit/diffusion";
import * as nets from "@ghmkit/nets";
import { saveModel, loadModel } from "@ghmkit/nets/node";
import * as tensor from "@ghmkit/tensor";
import * as train from "@ghmkit/train";
import * as experiments from "@ghmkit/experiments";
import * as bench from "@ghmkit/bench";
import { compute } from "./compute.mjs";

const fail = (msg) => {
  console.error(`pack-check (node): ${msg}`);
  process.exit(1);
};

for (const [name, mod, key] of [
  ["@ghmkit/experiments", experiments, "getExperiment"],
  ["@ghmkit/bench", bench, "benchBP"],
  ["@ghmkit/train", train, "trainRun"],
]) {
  if (typeof mod[key] !== "function") fail(`${name} has no ${key} export (named ESM import of its CommonJS entry)`);
}

const out = await compute({ ghm, bp, diffusion, nets, tensor }, "wasm");
if (out.backend !== "wasm") fail(`backend ${out.backend}, expected wasm`);
if (!out.logZ.every(Number.isFinite)) fail(`log-likelihoods not finite: ${out.logZ}`);

// Files through the Node-only subpaths.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-check-"));
const g = ghm.randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 1 });
writeGrammarFile(path.join(dir, "g.json"), g);
if (ghm.grammarFingerprint(readGrammarFile(path.join(dir, "g.json"))) !== out.fingerprint)
  fail("a grammar written and read back through @ghmkit/ghm/node differs");
const cfg = nets.configFromGrammar(g, { width: 8, seed: 7 });
await saveModel(nets.buildModel("unet", "denoiser", cfg), path.join(dir, "unet"), {
  arch: "unet",
  task: "denoiser",
  config: cfg,
});
const loaded = await loadModel(path.join(dir, "unet"));
if (nets.countParams(loaded.model) !== out.params)
  fail("a U-Net saved and loaded through @ghmkit/nets/node changed size");

// One training step of train's loop (the same step `ghm train` takes), on wasm.
const tcfg = train.makeTrainConfig("denoiser", "unet", {
  grammar: { kind: "rhm", S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 1 },
  net: { width: 8 },
  batchSize: 8,
});
const state = train.openTrainingState(tcfg);
const loss = train.trainStep(state, state.stream.next(), train.learningRate(tcfg, 0));
if (!Number.isFinite(loss) || loss <= 0) fail(`training step loss ${loss}`);
fs.rmSync(dir, { recursive: true, force: true });

console.log(JSON.stringify({ ...out, trainLoss: loss }));
