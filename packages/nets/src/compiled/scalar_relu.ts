/**
 * One-hidden-layer ReLU networks for a scalar function (the paper's approximation
 * argument: a U-Net with ReLU blocks of width W can emulate BP's exp and log).
 *
 * The net with W hidden units is the piecewise-linear interpolant of f at W+1 knots
 * t_0 < ... < t_W:  f_W(x) = f(t_0) + sum_k c_k relu(x - t_k)  on the clipped input
 * x in [t_0, t_W] (clipping is itself two ReLUs), with c_k the change of slope at t_k.
 * Knots are equally spaced in x (exp: uniform relative error) or in log x (log: its
 * curvature grows like 1/x^2). With a seed, each interior knot is drawn uniformly in
 * its cell instead (a seeded random ReLU feature basis, still fitted exactly).
 * Interpolation error shrinks like (range / W)^2.
 */
import { Rng } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";

export interface ScalarReLUNet {
  /** Knots t_0..t_W (W + 1 values, increasing); inputs are clipped to [t_0, t_W]. */
  knots: Float64Array;
  /** f(t_0). */
  bias: number;
  /** Output weight of hidden unit k = relu(x - t_k), k = 0..W-1. */
  coef: Float64Array;
}

export interface FitOptions {
  /** Place knots equally in x ("linear") or in log x ("log", needs lo > 0). */
  spacing: "linear" | "log";
  /** Jitter interior knots within their cells from this seed (omit for the regular grid). */
  seed?: number;
}

/** The ReLU net with `width` hidden units interpolating f on [lo, hi]. */
export function fitScalarReLU(f: (x: number) => number, width: number, lo: number, hi: number, options: FitOptions): ScalarReLUNet {
  if (!Number.isInteger(width) || width < 1) throw new Error(`approx width must be an integer >= 1, got ${width}`);
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`approx range must satisfy lo < hi (finite), got [${lo}, ${hi}]`);
  if (options.spacing === "log" && !(lo > 0)) throw new Error(`approx range for log spacing must have lo > 0, got ${lo}`);
  const toX = options.spacing === "log" ? (z: number) => Math.exp(z) : (z: number) => z;
  const z0 = options.spacing === "log" ? Math.log(lo) : lo;
  const z1 = options.spacing === "log" ? Math.log(hi) : hi;
  const rng = options.seed === undefined ? null : new Rng(options.seed);
  const knots = new Float64Array(width + 1);
  for (let k = 0; k <= width; k++) {
    // Interior knot k lies in cell [k - 1/2, k + 1/2) of the grid, so knots stay ordered.
    const pos = k === 0 || k === width || rng === null ? k : k - 0.5 + rng.uniform();
    knots[k] = toX(z0 + ((z1 - z0) * pos) / width);
  }
  knots[0] = lo;
  knots[width] = hi;
  const values = Array.from(knots, f);
  const coef = new Float64Array(width);
  let prevSlope = 0;
  for (let k = 0; k < width; k++) {
    const slope = (values[k + 1] - values[k]) / (knots[k + 1] - knots[k]);
    coef[k] = slope - prevSlope;
    prevSlope = slope;
  }
  return { knots, bias: values[0], coef };
}

/** Float64 evaluation (reference for tests). */
export function evalScalarReLU(net: ScalarReLUNet, x: number): number {
  const W = net.coef.length;
  const xc = Math.min(Math.max(x, net.knots[0]), net.knots[W]);
  let y = net.bias;
  for (let k = 0; k < W; k++) y += net.coef[k] * Math.max(xc - net.knots[k], 0);
  return y;
}

/** The same net as float32 tensors, applied elementwise. */
export class ScalarReLULayer {
  private readonly hiddenBias: tf.Tensor1D;
  private readonly outWeight: tf.Tensor2D;
  readonly width: number;

  constructor(readonly net: ScalarReLUNet) {
    this.width = net.coef.length;
    this.hiddenBias = tf.tensor1d(Array.from(net.knots.subarray(0, this.width), (t) => -t));
    this.outWeight = tf.tensor2d(Array.from(net.coef), [this.width, 1]);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const W = this.width;
      const xc = tf.clipByValue(x, this.net.knots[0], this.net.knots[W]);
      const h = tf.relu(tf.add(tf.reshape(xc, [-1, 1]), this.hiddenBias));
      return tf.reshape(tf.add(tf.matMul(h, this.outWeight), this.net.bias), x.shape);
    });
  }

  dispose(): void {
    this.hiddenBias.dispose();
    this.outWeight.dispose();
  }
}
