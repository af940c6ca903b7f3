import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import type { LinearStep } from "./schedulers/scheduler";

/**
 * The one interface through which diffusion knows a denoiser. Exact BP
 * (bpDenoiser, bpJointDenoiser) and a trained network (a U-Net adapter in another
 * package) are interchangeable behind it.
 *
 * Contract for implementers:
 * - The input is the noisy state x_t of a batch and its noise level abar (the
 *   signal level of the schedule at that step; the schedule itself is not passed, so
 *   a denoiser trained on one schedule serves any other). A network that wants the
 *   BP-style input (SPEC.md section 4) calls `stateEvidence(input)` to get the leaf
 *   evidence e `[batch, d, S]`; that single tensor encodes both x_t and abar.
 * - `posterior` returns p(x_0 | x_t) per leaf, `[batch, d, S]` row-major, each
 *   leaf's S entries non-negative and summing to 1 (a network returns the softmax
 *   of its logits). Never NaN. It must not modify its input.
 * - `sampleJoint`, when present, returns ONE exact joint draw x_0 ~ p(x_0 | x_t) per
 *   row, `[batch, d]` symbols in [0, S). Only exact models (BP) can offer it; a
 *   network gives per-leaf marginals only, whose product is the factorised
 *   approximation whose error the samplers measure.
 * - Either method may return a value or a Promise (a network runs asynchronously);
 *   callers always `await`.
 * - One call per reverse step: a sampler never calls both methods for the same x_t.
 */
export interface Denoiser {
  /** Short name for logs and saved configurations. */
  readonly name: string;
  /** Per-leaf posterior p(x_0 | x_t): `[batch, d, S]`. */
  posterior(input: DenoiserInput): MaybePromise<Float64Array>;
  /** One exact joint draw x_0 ~ p(x_0 | x_t): `[batch, d]`. */
  sampleJoint?(input: DenoiserInput, rng: Rng): MaybePromise<Int32Array>;
  /**
   * Optional: the VP state kept on the denoiser's own device (a tensor backend) between
   * reverse steps, so that a step moves no data back to the host (see VpDevice).
   */
  vpDevice?: VpDevice;
}

/**
 * A VP reverse loop run where the denoiser computes: `generate` uploads x_T and each
 * step's host-drawn noise, keeps x_t and x0_hat as the device's handles T, and reads
 * back only the final per-leaf argmax. The arithmetic is the device's (float32 on a
 * tensor backend), so samples can differ from the host (float64) loop where a leaf's
 * top two probabilities are within rounding; the random draws are the same.
 */
export interface VpDevice<T = unknown> {
  /** Host values `[batch, d, S]` (x_T) onto the device. */
  upload(values: Float64Array, batch: number): T;
  /** x0_hat = p(x_0 | x_t) per leaf, `[batch, d, S]`, as `posterior` computes it, left on the device. */
  posterior(xt: T, batch: number, abar: number): MaybePromise<T>;
  /** cX0 x0 + cXt xt + cNoise noise; noise holds host draws `[batch, d, S]`, or null when the step draws none. */
  step(x0: T, xt: T, s: LinearStep, noise: Float64Array | null, batch: number): T;
  /** Per-leaf argmax (first maximum on ties), `[batch, d]`, read back: the one read of a batch. */
  argmax(x: T, batch: number): Promise<Int32Array>;
  dispose(x: T): void;
}

export type MaybePromise<T> = T | Promise<T>;

/** The three noise processes of SPEC.md section 5. */
export type DiffusionProcess = "vp" | "uniform" | "mask";

interface InputBase {
  batch: number;
  /** Leaves per sequence, d = m^L. */
  d: number;
  /** Leaf vocabulary size S_L. */
  S: number;
  /** Signal level in (0, 1]; 1 is clean data. */
  abar: number;
}

/** VP: x_t = sqrt(abar) onehot(x_0) + sqrt(1 - abar) eps, `[batch, d, S]`. */
export interface ContinuousInput extends InputBase {
  process: "vp";
  xt: Float64Array;
}

/**
 * Discrete: symbols `[batch, d]`. Uniform: every entry in [0, S) (kept with probability
 * abar, else a uniform draw). Mask: an entry equal to MASK (-1, the convention of
 * @ghmkit/ghm's maskedEvidence) is masked (a leaf stays unmasked with probability
 * abar); a network that embeds tokens maps MASK to an extra token S.
 */
export interface DiscreteInput extends InputBase {
  process: "uniform" | "mask";
  xt: Int32Array;
}

export type DenoiserInput = ContinuousInput | DiscreteInput;

/** The symbol that marks a masked leaf. */
export const MASK = -1;

/** Throws if the input's arrays do not match its declared shape. */
export function checkInput(input: DenoiserInput): void {
  const { batch, d, S, abar } = input;
  for (const [k, v] of [
    ["batch", batch],
    ["d", d],
    ["S", S],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new InputError(`${k}`, `denoiser input: ${k} must be a positive integer, got ${v}`);
  }
  if (!(abar > 0 && abar <= 1)) throw new InputError("abar", `denoiser input: abar must be in (0, 1], got ${abar}`);
  const want = input.process === "vp" ? batch * d * S : batch * d;
  if (input.xt.length !== want) {
    throw new InputError(
      "xt",
      `denoiser input: xt has ${input.xt.length} entries, expected ${input.process === "vp" ? "batch*d*S" : "batch*d"} = ${want}`,
    );
  }
}
