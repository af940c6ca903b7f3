/**
 * ghmkit as a library, in one ESM script: a grammar, samples, exact BP on noisy
 * observations, a short training run of the U-Net denoiser, and diffusion sampling with
 * BP as the denoiser. Run from the repository after `pnpm build`: `.ci/examples-check`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { bpDenoiser, generate, sampleMetrics } from "@ghmkit/diffusion";
import { leafCount, noisyEvidence, randomRhm, Rng, sample } from "@ghmkit/ghm";
import { initBackend } from "@ghmkit/tensor";
import { makeTrainConfig, trainRun } from "@ghmkit/train";

// 1. A random hierarchy model: depth 3, binary branching, 4 symbols per level, 2 rules each.
const g = randomRhm({ depth: 3, arity: 2, S: 4, classes: 4, k: 2, seed: 1 });
const d = leafCount(g);
console.log(`grammar: L = ${g.depth}, m = ${g.arity}, d = ${d} leaves, vocab [${g.vocab}]`);

// 2. Sequences drawn from it (every random draw takes an explicit seed).
const n = 8;
const { x: leaves } = sample(g, n, new Rng(2));
console.log(`sampled ${n} sequences, first: ${Array.from(leaves.subarray(0, d)).join(" ")}`);

// 3. Exact BP on gaussian-noised observations: the root class posterior of each sequence.
const { evidence } = noisyEvidence(
  leaves,
  n,
  d,
  g.vocab[g.depth],
  { kind: "gaussian", alpha: 1, sigma: 1 },
  new Rng(3),
);
const bp = runBP(g, evidence);
const C = g.vocab[0];
const first = Array.from(bp.root.subarray(0, C), (p) => p.toFixed(3));
console.log(`BP: log p(evidence) of sequence 0 = ${bp.logZ[0].toFixed(3)}, p(class | evidence) = [${first}]`);

// 4. A short training run of the U-Net denoiser against the Bayes optimum (files in a temp dir).
await initBackend("cpu");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "ghmkit-example-"));
const config = makeTrainConfig("denoiser", "unet", {
  grammar: { kind: "rhm", S: 4, classes: 4, k: 2, arity: 2, depth: 3, seed: 1 },
  maxSteps: 20,
  batchSize: 32,
  evalEvery: 20,
  data: { testSize: 64 },
});
const run = await trainRun(config, { outDir: path.join(out, "run") });
console.log(`training: ${run.status} after ${run.step} steps; ${run.message}`);

// 5. Diffusion sampling with exact BP as the denoiser: every sample is a valid sentence.
const result = await generate({ grammar: g, denoiser: bpDenoiser(g), process: "vp", steps: 20, n: 16, seed: 4 });
const metrics = sampleMetrics(g, result.x, result.n);
console.log(`diffusion (BP denoiser): ${result.n} samples, validity ${metrics.validity}`);
if (!(metrics.validity > 0.5)) throw new Error("BP-guided diffusion should give mostly valid samples");
fs.rmSync(out, { recursive: true, force: true });
