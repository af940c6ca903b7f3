/**
 * BP compiled into the trainable architectures themselves: `compileBPModel(g, task)`
 * builds nets' ConvNet (classifier) or U-Net (denoiser) with `activation: "lse"`
 * (log-sum-exp blocks: a dense map with softmax, then a 1x1 conv with log) at a width
 * large enough, and sets its weights from the grammar so that it computes exact BP on
 * the input that every trained model takes (`evidenceToNetInput`, clip 20). The result
 * is an ordinary `tf.LayersModel`: `saveModel` writes it like a trained model, `ghm eval`,
 * `ghm diffuse` and the demo load it, and `ghm train --init compiled` trains it further.
 *
 * Every kernel kind is a list of tuples t = (a_t -> b_t0..b_t{m-1}, p_t > 0): rules
 * kernels as they are, dense kernels their non-zero entries, product kernels the
 * non-zero products (S_{l-1} S_l^m tuples at most: fine for small S; the separable
 * product form is `compileBPUNet`). With R_l tuples at level l, in the log domain (all
 * messages up to a constant per node, which cancels in every posterior):
 *
 * - encoder block l, node p with children c_j: units z_t = log p_t + sum_j u_{c_j}(b_tj)
 *   (the conv), softmax over the node's units; the 1x1 conv outputs
 *   `u_p(a) = log sum_{t: a_t = a} softmax_t` (the upward message) and `z_t - C = log softmax_t`
 *   (kept for the decoder). Channels: [u (S_{l-1}) | z (R_l)].
 * - decoder level l, node c = child j of p: the up-sampling (position-dependent, slot j)
 *   gives s_t = w_p(a_t) + z_t for p's tuples, in channel block j (other blocks -1e4);
 *   the merge adds, from the skip, rho_t' = z_t' - u_c(a_t') for c's own tuples
 *   (level l+1); softmax; the 1x1 conv outputs the belief
 *   `B_c(b) = log sum_{(j', t): b_tj' = b} softmax` and `rho_t' - C`. Channels:
 *   [B (S_l) | rho (R_{l+1})]. Then `w_c(a) + z_t' = B_c(a) + rho_t'` is linear in them.
 * - logits = B_L (the leaf log-marginals up to a constant); classifier readout
 *   `log pi + u_0`.
 *
 * The per-node constants of the decoder drift with depth; the bias beta_l of each
 * up-sampling keeps the tuple units' mass near the carried units' (a fixed point of
 * `M' = M - 2 log(e^M + n) + beta` with zero derivative), so nothing underflows at any L.
 */
import { InputError } from "@ghmkit/ghm";
import type { Grammar } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import { type Activation, type NetConfig, type Task, validateConfig } from "../config";
import { buildConvNet } from "../convnet";
import { expectedParamCount, MAX_PARAMS } from "../params";
import { buildUNet } from "../unet";

/** evidenceToNetInput's default clip: the input is u_L / CLIP. */
export const COMPILE_INPUT_CLIP = 20;
/** Pre-activation of a unit that must carry no mass in its softmax. */
const OFF = -1e4;
/**
 * Up-sampled channels of the other slots' tuples: -100 (e^-100 underflows in float32)
 * rather than OFF, since these are activations that later weights multiply: a small
 * weight change then moves the next layer little (training from the compiled weights).
 */
const INACTIVE = -100;
/** log 0 in a weight or bias. */
const LOG0 = -1e4;
/** The most tuples one level may have (each is a unit of width W). */
export const MAX_TUPLES = 1 << 16;

export interface Tuple {
  a: number;
  b: number[];
  logp: number;
}

/** Level l's (1-based) kernel as tuples; throws naming the size when it cannot fit. */
export function kernelTuples(g: Grammar, l: number, who = "compileBPModel"): Tuple[] {
  const k = g.levels[l - 1];
  const m = g.arity;
  const Sp = g.vocab[l - 1];
  const Sc = g.vocab[l];
  const out: Tuple[] = [];
  const push = (a: number, b: number[], p: number): void => {
    if (!(p > 0)) return;
    if (out.length >= MAX_TUPLES)
      throw new InputError(
        "grammar",
        `${who}: level ${l} has more than ${MAX_TUPLES} non-zero productions (a ${k.kind} kernel over S_${l - 1} = ${Sp}, S_${l} = ${Sc}, m = ${m}); too large to compile`,
      );
    out.push({ a, b, logp: Math.log(p) });
  };
  if (k.kind === "rules") {
    k.rules.forEach((rs, a) => rs.forEach((r) => push(a, r.children.slice(), r.p)));
    return out;
  }
  const total = Sp * Sc ** m;
  if (total > 64 * MAX_TUPLES)
    throw new InputError(
      "grammar",
      `${who}: level ${l} is a ${k.kind} kernel with S_${l - 1} S_${l}^m = ${Sp} * ${Sc}^${m} = ${total} entries; too large to compile (at most ${64 * MAX_TUPLES})`,
    );
  const b = new Array<number>(m).fill(0);
  for (let a = 0; a < Sp; a++) {
    for (let idx = 0; idx < Sc ** m; idx++) {
      let r = idx;
      for (let j = m - 1; j >= 0; j--) {
        b[j] = r % Sc;
        r = Math.floor(r / Sc);
      }
      let p: number;
      if (k.kind === "dense") p = k.tensor[a * Sc ** m + idx];
      else {
        p = 1;
        for (let j = 0; j < m; j++) p *= k.matrices[j][a * Sc + b[j]];
      }
      push(a, b.slice(), p);
    }
  }
  return out;
}

export interface CompiledBPModel {
  model: tf.LayersModel;
  /** The NetConfig it was built with (activation "lse", or "lse-relu" with approxWidth; extraConvs 1, the width needed). */
  config: NetConfig;
  arch: "convnet" | "unet";
  task: Task;
  /** Tuples per level, R_1..R_L. */
  tuples: number[];
}

export interface CompileBPModelOptions {
  /** Build at this width (>= the width needed); default the width needed. */
  width?: number;
  /**
   * ReLU-approximated BP: activation "lse-relu" with exp and log replaced by ReLU nets of
   * this many hidden units (same layers, same weights; default: exact, activation "lse").
   */
  approxWidth?: number;
  seed?: number;
}

/** The width that level l's blocks need, and the overall width (max over levels). */
export function compiledWidth(g: Grammar, task: Task, R: number[]): number {
  const L = g.depth;
  const m = g.arity;
  let W = 1;
  for (let l = 1; l <= L; l++) {
    W = Math.max(W, R[l - 1], g.vocab[l - 1] + R[l - 1]);
    if (task === "denoiser") {
      const next = l < L ? R[l] : 0;
      W = Math.max(W, m * R[l - 1] + next, g.vocab[l] + next);
    }
  }
  return W;
}

/** Compile `g` into nets' ConvNet (classifier) or U-Net (denoiser) computing exact BP. */
export function compileBPModel(g: Grammar, task: Task, options: CompileBPModelOptions = {}): CompiledBPModel {
  const who = "compileBPModel";
  if (task !== "classifier" && task !== "denoiser")
    throw new InputError("task", `${who}: task must be classifier or denoiser, got ${String(task)}`);
  const L = g.depth;
  const m = g.arity;
  const R: number[] = [];
  const T: Tuple[][] = [];
  for (let l = 1; l <= L; l++) {
    const t = kernelTuples(g, l, who);
    if (t.length === 0) throw new InputError("grammar", `${who}: level ${l} has no production with p > 0`);
    T.push(t);
    R.push(t.length);
  }
  const need = compiledWidth(g, task, R);
  const W = options.width ?? need;
  if (!(Number.isInteger(W) && W >= need))
    throw new InputError(
      "options.width",
      `${who}: width ${W} is below the ${need} channels BP needs (tuples per level ${R.join(", ")})`,
    );
  const arch = task === "classifier" ? "convnet" : "unet";
  const activation: Activation = options.approxWidth === undefined ? "lse" : "lse-relu";
  const config: NetConfig = {
    depth: L,
    arity: m,
    channels: g.vocab[L],
    classes: g.vocab[0],
    width: W,
    activation,
    extraConvs: 1,
    seed: options.seed ?? 0,
  };
  if (options.approxWidth !== undefined) config.approxWidth = options.approxWidth;
  validateConfig(config);
  const params = expectedParamCount(arch, task, config);
  if (params > MAX_PARAMS) {
    throw new InputError(
      "grammar",
      `${who}: the compiled ${arch} needs width W = ${W} (tuples per level ${R.join(", ")}) and ${params} parameters, above the limit of ${MAX_PARAMS}`,
      `use a grammar with fewer productions per level`,
    );
  }
  const model = task === "classifier" ? buildConvNet(config) : buildUNet(config, { skips: true });
  try {
    setWeights(model, g, task, T, W);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, config, arch, task, tuples: R };
}

class Dense {
  readonly k: Float32Array;
  readonly b: Float32Array;
  constructor(
    readonly nIn: number,
    readonly nOut: number,
    fill = 0,
  ) {
    this.k = new Float32Array(nIn * nOut);
    this.b = new Float32Array(nOut).fill(fill);
  }
  add(i: number, o: number, v: number): void {
    this.k[i * this.nOut + o] += v;
  }
  set(model: tf.LayersModel, name: string): void {
    const layer = model.getLayer(name);
    const [kw, bw] = layer.getWeights();
    if (kw.shape[0] !== this.nIn || kw.shape[1] !== this.nOut)
      throw new Error(`compileBPModel: layer ${name} is ${kw.shape.join("x")}, expected ${this.nIn}x${this.nOut}`);
    const k = tf.tensor2d(this.k, [this.nIn, this.nOut]);
    const b = tf.tensor1d(this.b);
    layer.setWeights([k, b]);
    k.dispose();
    b.dispose();
    void bw;
  }
}

function setWeights(model: tf.LayersModel, g: Grammar, task: Task, T: Tuple[][], W: number): void {
  const L = g.depth;
  const m = g.arity;
  const S = g.vocab;
  // Encoder: block l reads level l's m children (S_L input channels at l = L, else W).
  for (let l = L; l >= 1; l--) {
    const cIn = l === L ? S[L] : W;
    const scale = l === L ? COMPILE_INPUT_CLIP : 1;
    const conv = new Dense(m * cIn, W, OFF);
    T[l - 1].forEach((t, i) => {
      conv.b[i] = t.logp;
      for (let j = 0; j < m; j++) conv.add(j * cIn + t.b[j], i, scale);
    });
    conv.set(model, `enc${l}_conv`);
    const pw = new Dense(W, W);
    T[l - 1].forEach((t, i) => {
      pw.add(i, t.a, 1);
      pw.add(i, S[l - 1] + i, 1);
    });
    pw.set(model, `enc${l}_pw1`);
  }
  if (task === "classifier") {
    const ro = new Dense(W, S[0]);
    for (let a = 0; a < S[0]; a++) {
      ro.add(a, a, 1);
      ro.b[a] = g.root[a] > 0 ? Math.log(g.root[a]) : LOG0;
    }
    ro.set(model, "readout");
    return;
  }
  // Carried mass n_l at decoder level l: one per symbol with tuples at level l+1.
  const n = (l: number): number => (l < L ? new Set(T[l].map((t) => t.a)).size : 0);
  let beta = Math.log(Math.max(n(1), 1)) + Math.log(S[0]);
  for (let l = 1; l <= L; l++) {
    if (l > 1) beta = Math.log(Math.max(n(l), 1)) - Math.log(n(l - 1)) + 2 * Math.log(2 * n(l - 1));
    const Rl = T[l - 1].length;
    const up = new Dense(W, m * W);
    for (let j = 0; j < m; j++) {
      for (let jj = 0; jj < m; jj++) {
        T[l - 1].forEach((t, i) => {
          const o = j * W + jj * Rl + i;
          if (jj !== j) {
            up.b[o] = INACTIVE;
            return;
          }
          up.b[o] = beta;
          if (l === 1) {
            up.add(S[0] + i, o, 1); // z_t from the encoder's root output
            up.b[o] += g.root[t.a] > 0 ? Math.log(g.root[t.a]) : LOG0;
          } else {
            up.add(t.a, o, 1); // B_p(a_t)
            up.add(S[l - 1] + i, o, 1); // rho_t
          }
        });
      }
    }
    up.set(model, `dec${l}_up`);
    const skipW = l === L ? S[L] : W;
    const merge = new Dense(W + skipW, W, OFF);
    for (let u = 0; u < m * Rl; u++) {
      merge.add(u, u, 1);
      merge.b[u] = 0;
    }
    if (l < L) {
      T[l].forEach((t, i) => {
        const o = m * Rl + i;
        merge.b[o] = 0;
        merge.add(W + S[l] + i, o, 1); // z_t'
        merge.add(W + t.a, o, -1); // - u_c(a_t')
      });
    }
    merge.set(model, `dec${l}_merge`);
    const pw = new Dense(W, W);
    for (let jj = 0; jj < m; jj++) T[l - 1].forEach((t, i) => pw.add(jj * Rl + i, t.b[jj], 1));
    if (l < L) T[l].forEach((_t, i) => pw.add(m * Rl + i, S[l] + i, 1));
    pw.set(model, `dec${l}_pw1`);
  }
  const logits = new Dense(W, S[L]);
  for (let b = 0; b < S[L]; b++) logits.add(b, b, 1);
  logits.set(model, "logits");
}
