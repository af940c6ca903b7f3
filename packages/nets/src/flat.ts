/**
 * "flat" ablation: no down-sampling. Local convolutions (kernel m, stride 1, so each
 * block has the ConvNet block's m*W*W weights) at full resolution; the receptive field
 * grows by m-1 per block instead of by a factor m, so no block sees a whole subtree.
 * Classifier: L blocks, global average pooling, dense readout. Denoiser: 2L blocks
 * (the U-Net's encoder + decoder count), then S_L logits per leaf.
 */
import { tf } from "@ghmkit/tensor";
import { LayerFactory } from "./blocks";
import { type NetConfig, type Task, validateConfig } from "./config";

type Sym = tf.SymbolicTensor;

/** Number of local-conv blocks of the flat net for a task. */
export function flatBlocks(cfg: NetConfig, task: Task): number {
  return task === "classifier" ? cfg.depth : 2 * cfg.depth;
}

export function buildFlat(cfg: NetConfig, task: Task): tf.LayersModel {
  validateConfig(cfg);
  const f = new LayerFactory(cfg);
  const input = tf.input({ shape: [cfg.arity ** cfg.depth, cfg.channels], name: "leaves" });
  let h: Sym = input;
  for (let k = 1; k <= flatBlocks(cfg, task); k++) {
    h = f.pointwise(f.localConv(cfg.width, `flat${k}_conv`).apply(h) as Sym, `flat${k}`);
  }
  let out: Sym;
  if (task === "classifier") {
    const pooled = tf.layers.globalAveragePooling1d({ name: "pool" }).apply(h) as Sym;
    out = f.dense(cfg.classes, "readout").apply(pooled) as Sym;
  } else {
    out = f.dense(cfg.channels, "logits").apply(h) as Sym;
  }
  return tf.model({ inputs: input, outputs: out, name: `flat_${task}` });
}
