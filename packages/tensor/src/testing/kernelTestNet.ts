// A fixture of this package's kernel tests (Adam, training on wasm, memory): a small
// encoder-decoder of the ops nets' U-Net uses (strided conv1d, dense up-sampling, reshape,
// concatenate, 1x1 conv), built from stock tf.layers because @ghmkit/tensor sits below
// @ghmkit/nets. It is not a model of ghmkit: not exported and never benchmarked (`ghm bench
// train` trains nets' own U-Net through @ghmkit/train's step).
import { tf } from "../backend";

export interface KernelTestNetConfig {
  batch: number;
  /** Leaves; must be a power of m. */
  d: number;
  /** Leaf alphabet size S_L. */
  S: number;
  /** Arity (conv kernel = stride = m). */
  m: number;
  filters: number;
  /** Seeds the weight initialisers and the synthetic data. */
  seed: number;
}

export function levelsOf(d: number, m: number): number {
  if (!Number.isInteger(m) || m < 2) throw new Error(`m: arity must be an integer >= 2, got ${m}`);
  let L = 0;
  for (let n = d; n > 1; n /= m) {
    if (n % m !== 0) throw new Error(`d: ${d} leaves is not a power of m=${m}; choose d = m^L`);
    L++;
  }
  if (L === 0) throw new Error(`d: need at least m=${m} leaves, got ${d}`);
  return L;
}

export function buildKernelTestNet(c: KernelTestNetConfig): tf.LayersModel {
  const L = levelsOf(c.d, c.m);
  const F = c.filters;
  let seed = c.seed;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({ shape: [c.d, c.S] });
  const skips: tf.SymbolicTensor[] = [];
  let h = tf.layers
    .conv1d({ filters: F, kernelSize: 1, activation: "relu", kernelInitializer: init() })
    .apply(input) as tf.SymbolicTensor;
  for (let l = 0; l < L; l++) {
    skips.push(h);
    h = tf.layers
      .conv1d({ filters: F, kernelSize: c.m, strides: c.m, activation: "relu", kernelInitializer: init() })
      .apply(h) as tf.SymbolicTensor;
  }
  for (let l = L - 1; l >= 0; l--) {
    const n = c.d / c.m ** (l + 1);
    const up = tf.layers.dense({ units: c.m * F, kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
    const spread = tf.layers.reshape({ targetShape: [n * c.m, F] }).apply(up) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate({ axis: -1 }).apply([spread, skips[l]]) as tf.SymbolicTensor;
    h = tf.layers
      .conv1d({ filters: F, kernelSize: 1, activation: "relu", kernelInitializer: init() })
      .apply(cat) as tf.SymbolicTensor;
  }
  const logits = tf.layers
    .conv1d({ filters: c.S, kernelSize: 1, kernelInitializer: init() })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/** Synthetic denoising batch: noisy one-hot inputs [batch, d, S] and clean one-hot targets. */
export function kernelTestBatch(c: KernelTestNetConfig): { x: tf.Tensor3D; y: tf.Tensor3D } {
  return tf.tidy(() => {
    const labels = tf.randomUniform([c.batch, c.d], 0, c.S, "int32", c.seed);
    const y = tf.oneHot(labels, c.S).toFloat() as tf.Tensor3D;
    const x = y.add(tf.randomNormal(y.shape, 0, 0.5, "float32", c.seed + 1)) as tf.Tensor3D;
    return { x, y };
  });
}

/** One Adam step on softmax cross-entropy; returns the loss before the update. */
export function makeTrainStep(model: tf.LayersModel, optimizer: tf.Optimizer): (x: tf.Tensor, y: tf.Tensor) => number {
  return (x, y) => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    if (loss === null) throw new Error("train step: optimizer returned no loss");
    const value = loss.dataSync()[0];
    loss.dispose();
    if (!Number.isFinite(value)) throw new Error(`train step: loss is ${value}`);
    return value;
  };
}
