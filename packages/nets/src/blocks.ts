/**
 * Building blocks shared by the architectures, all from standard tfjs layers so that
 * models save and load with the standard format anywhere (no custom classes).
 *
 * A non-overlapping convolution (kernel m, stride m) is a reshape
 * `[B, n*m, C] -> [B, n, m*C]` followed by a dense layer: one GEMM, which is also the
 * fastest form on every backend. Up-sampling by m with a position-dependent map (a
 * transposed convolution, kernel m, stride m) is the mirror image: a dense layer to
 * `m*C'` followed by a reshape `[B, n, m*C'] -> [B, n*m, C']`.
 */
import { tf } from "@ghmkit/tensor";
import { Rng } from "@ghmkit/ghm";
import { blockActivations, type NetConfig } from "./config";
import { registerReluActivations } from "./activations";

type Sym = tf.SymbolicTensor;

/** Creates layers whose initialisers draw their seeds, in creation order, from `new Rng(cfg.seed)`. */
export class LayerFactory {
  private readonly rng: Rng;

  constructor(readonly cfg: NetConfig) {
    this.rng = new Rng(cfg.seed);
  }

  private nextSeed(): number {
    return this.rng.int(2 ** 31 - 1);
  }

  /** Dense map on the last axis (a 1x1 convolution on `[B, n, C]`); biases start at 0. */
  dense(units: number, name: string, activation: "linear" | "main" | "pointwise" = "linear"): tf.layers.Layer {
    if (this.cfg.activation === "lse-relu") registerReluActivations(this.cfg.approxWidth as number);
    const act =
      activation === "linear" ? "linear" : blockActivations(this.cfg.activation, this.cfg.approxWidth)[activation];
    return tf.layers.dense({
      units,
      activation: act as "linear",
      name,
      kernelInitializer: tf.initializers.glorotUniform({ seed: this.nextSeed() }),
      biasInitializer: "zeros",
    });
  }

  /** Local convolution at full resolution (kernel m, stride 1, "same" padding). */
  localConv(filters: number, name: string): tf.layers.Layer {
    return tf.layers.conv1d({
      filters,
      kernelSize: this.cfg.arity,
      strides: 1,
      padding: "same",
      activation: blockActivations(this.cfg.activation, this.cfg.approxWidth).main as "linear",
      name,
      kernelInitializer: tf.initializers.glorotUniform({ seed: this.nextSeed() }),
      biasInitializer: "zeros",
    });
  }

  /** `extraConvs` 1x1 convolutions of width W with the nonlinearity. */
  pointwise(x: Sym, prefix: string): Sym {
    let h = x;
    for (let k = 0; k < this.cfg.extraConvs; k++) {
      h = this.dense(this.cfg.width, `${prefix}_pw${k + 1}`, "pointwise").apply(h) as Sym;
    }
    return h;
  }

  /**
   * Non-overlapping convolution (kernel m, stride m) + nonlinearity + 1x1 convs:
   * `[B, n*m, cIn] -> [B, n, W]`. Block `level` maps level l's nodes to their parents.
   */
  down(x: Sym, nOut: number, cIn: number, level: number): Sym {
    const m = this.cfg.arity;
    const grouped = tf.layers.reshape({ targetShape: [nOut, m * cIn], name: `enc${level}_group` }).apply(x) as Sym;
    const h = this.dense(this.cfg.width, `enc${level}_conv`, "main").apply(grouped) as Sym;
    return this.pointwise(h, `enc${level}`);
  }

  /**
   * Up-sampling by m with a position-dependent map (transposed convolution, kernel m,
   * stride m): `[B, n, W] -> [B, n*m, W]`, feeding level `level`.
   */
  up(x: Sym, nIn: number, level: number): Sym {
    const m = this.cfg.arity;
    const W = this.cfg.width;
    const h = this.dense(m * W, `dec${level}_up`).apply(x) as Sym;
    return tf.layers.reshape({ targetShape: [nIn * m, W], name: `dec${level}_split` }).apply(h) as Sym;
  }
}
