/**
 * ConvNet classifier (SPEC.md section 4): L blocks of non-overlapping convolution
 * (kernel m, stride m) + nonlinearity (+ 1x1 convs); block l plays the role of BP's
 * upward step u_l -> u_{l-1}. After L blocks one position (the root) remains and a
 * dense readout gives C logits (BP: log pi + u_0, then softmax).
 */
import { tf } from "@ghmkit/tensor";
import { LayerFactory } from "./blocks";
import { type NetConfig, validateConfig } from "./config";

type Sym = tf.SymbolicTensor;

/**
 * The encoder's activations by level: `a[L]` is the input `[B, d, S_L]`, `a[l-1]` is
 * block l applied to `a[l]`, `[B, m^(l-1), W]`; `a[0]` is the root `[B, 1, W]`.
 */
export function encode(f: LayerFactory, input: Sym): Sym[] {
  const { depth: L, arity: m, channels: S, width: W } = f.cfg;
  const a: Sym[] = new Array<Sym>(L + 1);
  a[L] = input;
  for (let l = L; l >= 1; l--) a[l - 1] = f.down(a[l], m ** (l - 1), l === L ? S : W, l);
  return a;
}

/** Input `[batch, d, S_L]` channels-last; output `[batch, C]` logits. */
export function buildConvNet(cfg: NetConfig): tf.LayersModel {
  validateConfig(cfg);
  const f = new LayerFactory(cfg);
  const input = tf.input({ shape: [cfg.arity ** cfg.depth, cfg.channels], name: "leaves" });
  const a = encode(f, input);
  const root = tf.layers.reshape({ targetShape: [cfg.width], name: "root" }).apply(a[0]) as Sym;
  const logits = f.dense(cfg.classes, "readout").apply(root) as Sym;
  return tf.model({ inputs: input, outputs: logits, name: "convnet" });
}
