/**
 * BP (SPEC.md section 3) for a product-kernel grammar as a fixed-weight network over
 * tf tensors. Messages live in the log domain, `[B, m^l, S_l]` per level; each
 * log-sum-exp is computed in the exp domain with per-node max scaling:
 * `log(exp(u - max) @ diag(M_j^T))`, leaving out the `+ max` because a constant per node
 * cancels in every posterior. -Infinity (impossible symbols) passes through exactly:
 * maxima are clamped to a finite floor, so `-Inf - max = -Inf` and `exp` gives 0.
 *
 * With `approx`, every exp and log is replaced by a one-hidden-layer ReLU net of width
 * W (see scalar_relu.ts); max, sums and the block matrices stay linear/ReLU maps.
 */
import { InputError } from "@ghmkit/ghm";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { expNonPositive } from "./fast_exp";
import { fitScalarReLU, ScalarReLULayer } from "./scalar_relu";
import { type LevelWeights, levelWeights, productKernels } from "./weights";

/** Lowest finite float32: a node whose max is -Infinity is shifted by this instead. */
const MAX_FLOOR = -3.4e38;
/**
 * Refuse a pass whose largest intermediate tensor exceeds this many floats (256 MiB):
 * several such tensors are alive at once, and the wasm heap (2-4 GiB) must hold them all.
 */
export const MAX_TENSOR_ELEMENTS = 1 << 26;

export interface ApproxOptions {
  /** W: hidden units of each scalar ReLU net (exp and log). */
  width: number;
  /** Jitters the knots (seeded random ReLU features); omit for the regular grid. */
  seed?: number;
  /** R: exp is fitted on [-R, 0] and log on [e^-R, max sum]; smaller inputs are clipped (default 16). */
  range?: number;
}

export interface CompiledBPOptions {
  /** Replace exp and log by ReLU nets of this width (the approximation variant). */
  approx?: ApproxOptions;
}

type Fn = (x: tf.Tensor) => tf.Tensor;

// A module-level alias: under jest's vm sandbox every global lookup (`Infinity`, `Math`,
// `Number`) in a hot loop goes through the sandbox's global object, ~15x slower.
const INF = Number.POSITIVE_INFINITY;

export class ProductBPNet {
  readonly m: number;
  readonly L: number;
  readonly d: number;
  readonly levels: LevelWeights[];
  private readonly logPi: tf.Tensor3D;
  /** pi as `[1, 1, S_0]` (the scaled pass's w_0). */
  readonly pi: tf.Tensor3D;
  private readonly expLayer: ScalarReLULayer | null = null;
  private readonly logLayer: ScalarReLULayer | null = null;
  private readonly exp: Fn;
  private readonly log: Fn;
  private disposed = false;
  /** exp and log are ReLU nets (options.approx). */
  readonly approximate: boolean;

  constructor(
    readonly grammar: Grammar,
    options: CompiledBPOptions,
    who: string,
  ) {
    const kernels = productKernels(grammar, who);
    this.m = grammar.arity;
    this.L = grammar.depth;
    this.d = this.m ** this.L;
    for (const p of grammar.root) {
      if (!(p >= 0 && p <= 1))
        throw new InputError("grammar.root", `${who}: root prior entry ${p} is not a probability`);
    }
    this.levels = kernels.map((k, i) => levelWeights(grammar, k, i + 1));
    this.logPi = tf.tensor3d(Array.from(grammar.root, Math.log), [1, 1, grammar.vocab[0]]);
    this.pi = tf.tensor3d(Float32Array.from(grammar.root), [1, 1, grammar.vocab[0]]);
    this.approximate = options.approx !== undefined;
    if (options.approx === undefined) {
      this.exp = tf.exp;
      this.log = tf.log;
    } else {
      const { width, seed } = options.approx;
      const R = options.approx.range ?? 16;
      if (!(R > 0 && Number.isFinite(R)))
        throw new InputError("approx.range", `${who}: approx.range must be a finite number > 0, got ${R}`);
      // Upward sums are <= 1 (rows of M sum to 1); downward sums are <= the largest column sum.
      const hi = Math.max(1, ...this.levels.map((lv) => lv.maxColumnSum));
      const expLayer = new ScalarReLULayer(fitScalarReLU(Math.exp, width, -R, 0, { spacing: "linear", seed }));
      const logSeed = seed === undefined ? undefined : seed + 1;
      const logLayer = new ScalarReLULayer(
        fitScalarReLU(Math.log, width, Math.exp(-R), hi, { spacing: "log", seed: logSeed }),
      );
      this.expLayer = expLayer;
      this.logLayer = logLayer;
      this.exp = (x) => expLayer.apply(x);
      this.log = (x) => logLayer.apply(x);
    }
  }

  /**
   * Evidence `[B, d, S_L]` as float32 leaf messages with each leaf's max moved to 0:
   * log domain (`u_L`) or exp domain (`x_L = exp(u_L)`, max 1). Array input is shifted
   * (and exponentiated) in float64 before the conversion.
   */
  leafMessages(ev: Evidence | tf.Tensor3D, domain: "log" | "exp", who: string): tf.Tensor3D {
    const SL = this.grammar.vocab[this.L];
    if (ev instanceof tf.Tensor) {
      if (ev.rank !== 3 || ev.shape[1] !== this.d || ev.shape[2] !== SL) {
        throw new InputError(
          "evidence",
          `${who}: evidence tensor has shape [${ev.shape}], expected [batch, d = ${this.d}, S_L = ${SL}]`,
        );
      }
      this.checkSize(ev.shape[0], who);
      return tf.tidy(() => {
        const u = tf.sub(ev, this.nodeMax(ev)) as tf.Tensor3D;
        return domain === "log" ? u : tf.exp(u);
      });
    }
    if (ev.d !== this.d || ev.S !== SL)
      throw new InputError(
        "evidence",
        `${who}: evidence has d = ${ev.d}, S = ${ev.S}; the grammar needs d = ${this.d}, S_L = ${SL}`,
      );
    if (ev.e.length !== ev.batch * ev.d * ev.S)
      throw new InputError(
        "evidence",
        `${who}: evidence e has ${ev.e.length} entries, expected batch*d*S = ${ev.batch * ev.d * ev.S}`,
      );
    this.checkSize(ev.batch, who);
    const e = ev.e;
    const out = new Float32Array(e.length);
    for (let o = 0; o < e.length; o += SL) {
      let mx = -INF;
      for (let s = 0; s < SL; s++) {
        const v = e[o + s];
        // biome-ignore lint/suspicious/noSelfCompare: v !== v is NaN, the fastest test per entry
        if (v !== v || v === INF)
          throw new InputError("evidence", `${who}: evidence e[${o + s}] = ${v}; entries must be finite or -Infinity`);
        if (v > mx) mx = v;
      }
      if (mx === -INF) mx = 0;
      if (domain === "log") for (let s = 0; s < SL; s++) out[o + s] = e[o + s] - mx;
      else for (let s = 0; s < SL; s++) out[o + s] = expNonPositive(e[o + s] - mx);
    }
    return tf.tensor3d(out, [ev.batch, this.d, SL]);
  }

  private checkSize(batch: number, who: string): void {
    const widest = Math.max(...this.grammar.vocab.map((S, l) => this.m ** l * S * (l < this.L ? this.m : 1)));
    const factor = this.expLayer === null ? 1 : this.expLayer.width;
    if (batch * widest * factor > MAX_TENSOR_ELEMENTS) {
      throw new InputError(
        "batch",
        `${who}: batch ${batch} needs tensors of ${batch * widest * factor} floats (limit ${MAX_TENSOR_ELEMENTS})`,
        `split the batch`,
      );
    }
  }

  /** Per-node max over the last axis, clamped to a finite value. */
  private nodeMax(x: tf.Tensor): tf.Tensor {
    return tf.maximum(tf.max(x, -1, true), MAX_FLOOR);
  }

  /**
   * Upward pass from leaf messages u_L (log domain). Returns u_l for l = 0..L and
   * q_l for l = 1..L: `q[l]` is `[B, m^(l-1), m, S_{l-1}]`, child j's message to its parent.
   */
  upward(uL: tf.Tensor3D): { u: tf.Tensor[]; q: tf.Tensor[] } {
    const B = uL.shape[0];
    const { m, L } = this;
    const u: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
    const q: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
    u[L] = uL;
    for (let l = L; l >= 1; l--) {
      const { Sp, Sc, up } = this.levels[l - 1];
      const np = m ** (l - 1);
      const x = this.exp(tf.sub(u[l], this.nodeMax(u[l])));
      const s = tf.matMul(tf.reshape(x, [B * np, m * Sc]), up);
      q[l] = tf.reshape(this.log(s), [B, np, m, Sp]);
      u[l - 1] = tf.sum(q[l], 2);
    }
    return { u, q };
  }

  /** Downward messages w_l for l = 0..L from the upward pass (w_0 = log pi). */
  downward(q: tf.Tensor[], B: number): tf.Tensor[] {
    const { m, L } = this;
    const w: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
    w[0] = this.logPi;
    for (let l = 1; l <= L; l++) {
      const { Sp, Sc, down } = this.levels[l - 1];
      const np = m ** (l - 1);
      // Child c = m*p + j hears its parent's prior and its siblings' messages, not its own.
      const v = tf.add(tf.expandDims(w[l - 1], 2), this.siblings(q[l]));
      const t = this.exp(tf.sub(v, this.nodeMax(v)));
      const s = tf.matMul(tf.reshape(t, [B * np, m * Sp]), down);
      w[l] = tf.reshape(this.log(s), [B, np * m, Sc]);
    }
    return w;
  }

  /**
   * `sum_{k != j} q[.., k, :]` for every child position j: a sum of rotations rather
   * than total - own, which would give -Inf - -Inf = NaN.
   */
  private siblings(q: tf.Tensor): tf.Tensor {
    const m = this.m;
    if (m === 2) return tf.reverse(q, 2);
    let acc: tf.Tensor | null = null;
    for (let r = 1; r < m; r++) {
      const rolled = tf.concat(
        [tf.slice(q, [0, 0, r, 0], [-1, -1, m - r, -1]), tf.slice(q, [0, 0, 0, 0], [-1, -1, r, -1])],
        2,
      );
      acc = acc === null ? rolled : tf.add(acc, rolled);
    }
    return acc as tf.Tensor;
  }

  /** Normalise exp(logits) over the last axis; rows with no finite entry give zeros. */
  static softmax(logits: tf.Tensor): tf.Tensor {
    const p = tf.exp(tf.sub(logits, tf.maximum(tf.max(logits, -1, true), MAX_FLOOR)));
    return tf.divNoNan(p, tf.sum(p, -1, true));
  }

  /** Log of softmax; rows with no finite entry give -Infinity (log of the zero posterior). */
  static logSoftmax(logits: tf.Tensor): tf.Tensor {
    const shifted = tf.sub(logits, tf.maximum(tf.max(logits, -1, true), MAX_FLOOR));
    const total = tf.sum(tf.exp(shifted), -1, true);
    const lp = tf.sub(shifted, tf.log(total));
    return tf.where(tf.broadcastTo(tf.greater(total, 0), lp.shape), lp, tf.fill(lp.shape, -Infinity));
  }

  rootLogits(u0: tf.Tensor, B: number): tf.Tensor2D {
    return tf.reshape(tf.add(this.logPi, u0), [B, this.grammar.vocab[0]]);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  assertLive(who: string): void {
    if (this.disposed) throw new Error(`${who}: this compiled network was disposed`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const lv of this.levels)
      tf.dispose([lv.up, lv.down, ...lv.siblings, ...(lv.downSwapped === null ? [] : [lv.downSwapped])]);
    tf.dispose([this.logPi, this.pi]);
    this.expLayer?.dispose();
    this.logLayer?.dispose();
  }
}
