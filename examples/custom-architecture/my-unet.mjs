/**
 * A plug-in architecture for ghmkit: "my-unet", a small U-Net variant whose bottleneck
 * passes through a custom layer (a learned per-channel gain, `MyUnetChannelGain`).
 *
 * Contract: export `register(nets, tf)`. The CLI (`--plugin ./my-unet.mjs`) calls it with
 * its own @ghmkit/nets and TensorFlow.js, so this file needs no imports and works from
 * anywhere; a library user calls it the same way (see ../library-usage).
 */
export function register(nets, tf) {
  /** y = x * g, one learned gain per channel (starts at 1). */
  class ChannelGain extends tf.layers.Layer {
    static className = "MyUnetChannelGain";
    build(inputShape) {
      const channels = inputShape[inputShape.length - 1];
      this.gain = this.addWeight("gain", [channels], "float32", tf.initializers.ones());
      this.built = true;
    }
    call(inputs) {
      return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.gain.read()));
    }
    computeOutputShape(inputShape) {
      return inputShape;
    }
  }
  // Lets tfjs's own loader (tf.loadLayersModel) read saved models that contain the layer.
  tf.serialization.registerClass(ChannelGain);

  nets.registerArchitecture("my-unet", {
    tasks: ["denoiser"],
    describe: "U-Net with one down-sampling block per grammar level and a learned channel gain at the bottleneck",
    build(config) {
      const { depth: L, arity: m, channels: S, width: W, seed } = config;
      let next = seed;
      const init = () => tf.initializers.glorotUniform({ seed: next++ });
      const input = tf.input({ shape: [m ** L, S] });
      let x = input;
      let n = m ** L;
      let C = S;
      const skips = [];
      // Encoder: each block merges m siblings (kernel m, stride m), as BP's upward pass does.
      for (let l = 0; l < L; l++) {
        skips.push(x);
        n /= m;
        x = tf.layers.reshape({ targetShape: [n, m * C] }).apply(x);
        x = tf.layers.dense({ units: W, activation: "relu", kernelInitializer: init() }).apply(x);
        C = W;
      }
      x = new ChannelGain({}).apply(x);
      // Decoder: up-sample by m, concatenate the encoder's level (long skip), mix.
      for (let l = L - 1; l >= 0; l--) {
        x = tf.layers.dense({ units: m * W, activation: "relu", kernelInitializer: init() }).apply(x);
        n *= m;
        x = tf.layers.reshape({ targetShape: [n, W] }).apply(x);
        x = tf.layers.concatenate().apply([x, skips[l]]);
        x = tf.layers.dense({ units: W, activation: "relu", kernelInitializer: init() }).apply(x);
      }
      const logits = tf.layers.dense({ units: S, kernelInitializer: init() }).apply(x);
      return tf.model({ inputs: input, outputs: logits });
    },
  });
}
