/**
 * BP-compiled networks (SPEC.md section 4): for a known product-kernel grammar, the
 * ConvNet whose output is BP's root posterior and the U-Net whose output is BP's leaf
 * marginals, as fixed-weight computations over tf tensors.
 */
import { InputError } from "@ghmkit/ghm";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { type CompiledBPOptions, ProductBPNet } from "./product_bp";
import { scaledLeafMarginals, scaledUpward } from "./scaled_bp";

export interface CompiledBPConvNetOptions extends CompiledBPOptions {
  /** "logprob" (default): log P(y | obs); "prob": P(y | obs). */
  output?: "logprob" | "prob";
}

export interface CompiledBPConvNet {
  readonly grammar: Grammar;
  /**
   * Root posterior `[B, C]` from evidence `[B, d, S_L]` (log-likelihoods, -Infinity
   * allowed). Impossible evidence gives zeros (prob) or -Infinity (logprob). The caller
   * disposes the result.
   */
  predict(ev: Evidence | tf.Tensor3D): tf.Tensor2D;
  /** Free the fixed weights. */
  dispose(): void;
}

export interface CompiledBPUNet {
  readonly grammar: Grammar;
  /**
   * Leaf marginals P(x_i = s | obs), `[B, d, S_L]` (rows sum to 1; zeros for impossible
   * evidence). The caller disposes the result.
   */
  predict(ev: Evidence | tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

/** The upward pass only: block l computes u_l -> u_{l-1}; readout log pi + u_0. */
export function compileBPConvNet(g: Grammar, options: CompiledBPConvNetOptions = {}): CompiledBPConvNet {
  const who = "compileBPConvNet";
  const output = options.output ?? "logprob";
  if (output !== "logprob" && output !== "prob")
    throw new InputError("output", `${who}: output must be "logprob" or "prob", got ${String(output)}`);
  const net = new ProductBPNet(g, options, who);
  return {
    grammar: g,
    predict(ev) {
      net.assertLive(who);
      return tf.tidy(() => {
        const uL = net.leafMessages(ev, "log", who);
        const B = uL.shape[0];
        const { u } = net.upward(uL);
        const logits = net.rootLogits(u[0], B);
        return (output === "prob" ? ProductBPNet.softmax(logits) : ProductBPNet.logSoftmax(logits)) as tf.Tensor2D;
      });
    },
    dispose: () => net.dispose(),
  };
}

export interface CompiledBPUNetOptions extends CompiledBPOptions {
  /**
   * "scaled" (default for exact BP, fastest): exp-domain messages rescaled per node, no
   * log/exp between levels (scaled_bp.ts). "log": log-sum-exp layers, the form the ReLU
   * approximation needs (required with `approx`).
   */
  domain?: "scaled" | "log";
}

/** Upward then downward pass; output the leaf marginals, softmax(u_L + w_L) per leaf. */
export function compileBPUNet(g: Grammar, options: CompiledBPUNetOptions = {}): CompiledBPUNet {
  const who = "compileBPUNet";
  const domain = options.domain ?? (options.approx === undefined ? "scaled" : "log");
  if (domain !== "scaled" && domain !== "log")
    throw new InputError("domain", `${who}: domain must be "scaled" or "log", got ${String(domain)}`);
  if (domain === "scaled" && options.approx !== undefined) {
    throw new InputError(
      "options.domain",
      `${who}: the ReLU approximation replaces log-domain exp and log`,
      `use domain "log" (the default with approx)`,
    );
  }
  const net = new ProductBPNet(g, options, who);
  return {
    grammar: g,
    predict(ev) {
      net.assertLive(who);
      return tf.tidy(() => {
        if (domain === "scaled") {
          const { x, sib } = scaledUpward(net, net.leafMessages(ev, "exp", who), true);
          return scaledLeafMarginals(net, x, sib);
        }
        const uL = net.leafMessages(ev, "log", who);
        const { q } = net.upward(uL);
        const w = net.downward(q, uL.shape[0]);
        return ProductBPNet.softmax(tf.add(uL, w[net.L])) as tf.Tensor3D;
      });
    },
    dispose: () => net.dispose(),
  };
}
