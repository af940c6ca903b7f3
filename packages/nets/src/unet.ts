/**
 * U-Net denoiser (SPEC.md section 4). Encoder = the ConvNet's blocks (BP's upward
 * pass), keeping every level's activations. Decoder level l: up-sample the parent
 * level by m (BP: copy the parent's belief to its children, with a map that depends
 * on the child position j, as M_{l,j} does), concatenate the encoder activations of
 * level l (long skip: BP reuses the upward messages u_l to remove each child's own
 * contribution), then 1x1 convs. Output: S_L logits per leaf (BP: u_L + w_L).
 */
import { tf } from "@ghmkit/tensor";
import { LayerFactory } from "./blocks";
import { type NetConfig, validateConfig } from "./config";
import { encode } from "./convnet";

type Sym = tf.SymbolicTensor;

export interface UNetOptions {
  /** Long skip connections (default true); false gives the "unet-noskip" ablation. */
  skips?: boolean;
}

/** Input `[batch, d, S_L]`; output `[batch, d, S_L]` logits per leaf. */
export function buildUNet(cfg: NetConfig, options: UNetOptions = {}): tf.LayersModel {
  validateConfig(cfg);
  const skips = options.skips ?? true;
  const f = new LayerFactory(cfg);
  const { depth: L, arity: m, width: W } = cfg;
  const input = tf.input({ shape: [m ** L, cfg.channels], name: "leaves" });
  const a = encode(f, input);
  let v = a[0];
  for (let l = 1; l <= L; l++) {
    const up = f.up(v, m ** (l - 1), l);
    const merged = skips ? (tf.layers.concatenate({ axis: -1, name: `dec${l}_skip` }).apply([up, a[l]]) as Sym) : up;
    v = f.pointwise(f.dense(W, `dec${l}_merge`, "main").apply(merged) as Sym, `dec${l}`);
  }
  const logits = f.dense(cfg.channels, "logits").apply(v) as Sym;
  return tf.model({ inputs: input, outputs: logits, name: skips ? "unet" : "unet_noskip" });
}
