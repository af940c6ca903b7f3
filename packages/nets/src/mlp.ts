/**
 * "mlp" ablation: the whole sequence flattened, no locality and no weight sharing.
 * Hidden blocks of width W (L for the classifier, 2L for the denoiser, each with the
 * config's extra layers), then C logits or d*S_L logits reshaped to `[d, S_L]`.
 */
import { tf } from "@ghmkit/tensor";
import { LayerFactory } from "./blocks";
import { type NetConfig, type Task, validateConfig } from "./config";

type Sym = tf.SymbolicTensor;

export function mlpBlocks(cfg: NetConfig, task: Task): number {
  return task === "classifier" ? cfg.depth : 2 * cfg.depth;
}

export function buildMLP(cfg: NetConfig, task: Task): tf.LayersModel {
  validateConfig(cfg);
  const f = new LayerFactory(cfg);
  const d = cfg.arity ** cfg.depth;
  const input = tf.input({ shape: [d, cfg.channels], name: "leaves" });
  let h = tf.layers.reshape({ targetShape: [d * cfg.channels], name: "flatten" }).apply(input) as Sym;
  for (let k = 1; k <= mlpBlocks(cfg, task); k++) {
    h = f.pointwise(f.dense(cfg.width, `mlp${k}_dense`, "main").apply(h) as Sym, `mlp${k}`);
  }
  let out: Sym;
  if (task === "classifier") {
    out = f.dense(cfg.classes, "readout").apply(h) as Sym;
  } else {
    const flat = f.dense(d * cfg.channels, "logits_flat").apply(h) as Sym;
    out = tf.layers.reshape({ targetShape: [d, cfg.channels], name: "logits" }).apply(flat) as Sym;
  }
  return tf.model({ inputs: input, outputs: out, name: `mlp_${task}` });
}
