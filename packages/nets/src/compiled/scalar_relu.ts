/**
 * One-hidden-layer ReLU networks for a scalar function (the paper's approximation
 * argument: a U-Net with ReLU blocks of width W can emulate BP's exp and log).
 *
 * The net with W hidden units is the piecewise-linear interpolant of f at W+1 knots
 * t_0 < ... < t_W:  f_W(x) = f(t_0) + sum_k c_k relu(x - t_k)  on the clipped input
 * x in [t_0, t_W] (clipping is itself two ReLUs), with c_k the change of slope at t_k.
 * It is stored as knots and values and evaluated in an equivalent, better-conditioned form.
 * Knots are equally spaced in x (exp: uniform relative error) or in log x (log: its
 * curvature grows like 1/x^2). With a seed, each interior knot is drawn uniformly in
 * its cell instead (a seeded random ReLU feature basis, still fitted exactly).
 * Interpolation error shrinks like (range / W)^2.
 */
import { InputError } from "@ghmkit/ghm";
import { Rng } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";

export interface ScalarReLUNet {
  /** Knots t_0..t_W (W + 1 values, increasing); inputs are clipped to [t_0, t_W]. */
  knots: Float64Array;
  /** f(t_0), ..., f(t_W). */
  values: Float64Array;
}

export interface FitOptions {
  /** Place knots equally in x ("linear") or in log x ("log", needs lo > 0). */
  spacing: "linear" | "log";
  /** Jitter interior knots within their cells from this seed (omit for the regular grid). */
  seed?: number;
}

/** The ReLU net with `width` hidden units interpolating f on [lo, hi]. */
export function fitScalarReLU(
  f: (x: number) => number,
  width: number,
  lo: number,
  hi: number,
  options: FitOptions,
): ScalarReLUNet {
  if (!Number.isInteger(width) || width < 1)
    throw new InputError("approx", `approx width must be an integer >= 1, got ${width}`);
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi))
    throw new InputError("approx", `approx range must satisfy lo < hi (finite), got [${lo}, ${hi}]`);
  if (options.spacing === "log" && !(lo > 0))
    throw new InputError("approx", `approx range for log spacing must have lo > 0, got ${lo}`);
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
  const values = knots.map(f);
  for (let k = 0; k <= width; k++) {
    if (!Number.isFinite(values[k]))
      throw new InputError("approx", `approx: the function is not finite at knot ${knots[k]}; narrow the range`);
  }
  return { knots, values };
}

/** Float64 evaluation (reference for tests). */
export function evalScalarReLU(net: ScalarReLUNet, x: number): number {
  const { knots, values } = net;
  let y = values[0];
  for (let k = 0; k + 1 < knots.length; k++) {
    const z = (x - knots[k]) / (knots[k + 1] - knots[k]);
    y += (values[k + 1] - values[k]) * Math.min(Math.max(z, 0), 1);
  }
  return y;
}

/**
 * The same net as float32 tensors, applied elementwise. It is evaluated in the
 * clipped-ramp form f(t_0) + sum_k (f(t_{k+1}) - f(t_k)) clip((x - t_k) / (t_{k+1} - t_k), 0, 1)
 * (each ramp = relu(z) - relu(z - 1); the same function as the single-ReLU form), because
 * the single-ReLU form sums slopes up to 1/t_0 ~ e^R and cancels catastrophically in float32.
 */
export class ScalarReLULayer {
  private readonly knotsLeft: tf.Tensor1D;
  private readonly invWidth: tf.Tensor1D;
  private readonly steps: tf.Tensor2D;
  readonly width: number;

  constructor(readonly net: ScalarReLUNet) {
    const { knots, values } = net;
    const W = knots.length - 1;
    this.width = W;
    this.knotsLeft = tf.tensor1d(Array.from(knots.subarray(0, W)));
    this.invWidth = tf.tensor1d(Array.from({ length: W }, (_, k) => 1 / (knots[k + 1] - knots[k])));
    this.steps = tf.tensor2d(
      Array.from({ length: W }, (_, k) => values[k + 1] - values[k]),
      [W, 1],
    );
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.mul(tf.sub(tf.reshape(x, [-1, 1]), this.knotsLeft), this.invWidth);
      const ramps = tf.clipByValue(z, 0, 1);
      return tf.reshape(tf.add(tf.matMul(ramps, this.steps), this.net.values[0]), x.shape);
    });
  }

  dispose(): void {
    this.knotsLeft.dispose();
    this.invWidth.dispose();
    this.steps.dispose();
  }
}
