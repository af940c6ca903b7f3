/**
 * `ghm compile`'s model directory: the grammar compiled into nets' own U-Net (denoiser)
 * or ConvNet (classifier) with exact-BP weights (`compileBPModel`), saved with
 * `saveModel` like a trained model, so `ghm eval --model`, `ghm diffuse --denoiser`,
 * `ghm train --init compiled` and the demo take it. The directory carries the grammar
 * itself (grammar.json, so eval and diffuse need no --grammar and the model survives a
 * moved or edited grammar file); ghm-model.json's extra records the source file, the
 * grammar's fingerprint and what was compiled.
 */
import * as path from "node:path";
import { runBP } from "@ghmkit/bp";
import { type Evidence, type Grammar, grammarFingerprint, grammarToJson } from "@ghmkit/ghm";
import {
  clippedEvidence,
  compileBPModel,
  type CompiledBPModel,
  evidenceToNetInput,
  MODEL_GRAMMAR_JSON,
  saveModel,
} from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { UserError } from "./errors";
import { writeJsonAtomic } from "./io";

/** approxWidth: the ReLU-approximated model (activation lse-relu: exp and log as ReLU nets of that many hidden units). */
export function compileModelOrUserError(
  g: Grammar,
  task: "classifier" | "denoiser",
  grammarFlag: string,
  approxWidth?: number,
): CompiledBPModel {
  try {
    return compileBPModel(g, task, approxWidth === undefined ? {} : { approxWidth });
  } catch (e) {
    throw new UserError(`${grammarFlag}: ${(e as Error).message}`);
  }
}

/** Save the compiled model and its grammar into `dir` (a model directory, replaced if it is one). */
export async function saveCompiledModel(
  c: CompiledBPModel,
  g: Grammar,
  grammarFile: string,
  dir: string,
): Promise<void> {
  await saveModel(c.model, dir, {
    arch: c.arch,
    task: c.task,
    config: c.config,
    extra: {
      grammar: { kind: "file", path: MODEL_GRAMMAR_JSON, source: path.resolve(grammarFile) },
      grammarFingerprint: grammarFingerprint(g),
      compiled: {
        from: "ghm compile",
        exact: c.config.approxWidth === undefined,
        approxWidth: c.config.approxWidth ?? null,
        tuplesPerLevel: c.tuples,
        width: c.config.width,
        params: c.model.countParams(),
      },
    },
  });
  writeJsonAtomic(path.join(dir, MODEL_GRAMMAR_JSON), grammarToJson(g));
}

/** Max |softmax(model) - BP| and seconds of the model's forward pass on evidence (BP on the clipped evidence the net sees). */
export async function measureCompiledModel(
  c: CompiledBPModel,
  g: Grammar,
  ev: Evidence,
): Promise<{ maxAbsError: number; meanAbsError: number; seconds: number }> {
  const input = evidenceToNetInput(ev);
  const t0 = process.hrtime.bigint();
  const out = c.model.predict(input) as tf.Tensor;
  const logits = await out.data();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  tf.dispose([input, out]);
  const bp = runBP(g, clippedEvidence(ev), { downward: c.task === "denoiser" });
  const want = c.task === "denoiser" ? bp.marginals![g.depth] : bp.root;
  const K = c.task === "denoiser" ? g.vocab[g.depth] : g.vocab[0];
  let maxErr = 0;
  let sum = 0;
  for (let r = 0; r < want.length / K; r++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, logits[r * K + k]);
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(logits[r * K + k] - mx);
    for (let k = 0; k < K; k++) {
      const e = Math.abs(Math.exp(logits[r * K + k] - mx) / z - want[r * K + k]);
      sum += e;
      if (e > maxErr) maxErr = e;
    }
  }
  return { maxAbsError: maxErr, meanAbsError: sum / want.length, seconds };
}
