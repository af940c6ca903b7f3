/**
 * Leaf evidence as network input. A network cannot take -Infinity (it turns into NaN at
 * the first multiply by 0), and evidence is defined only up to a constant per leaf, so:
 * subtract each leaf's max (the most likely symbol gets 0), clip at -clip (a symbol
 * e^clip times less likely than the best counts as impossible), and by default divide
 * by clip so values lie in [-1, 0]. Exact evidence then becomes onehot(x) - 1, the
 * same information as a one-hot input; a leaf with no possible symbol (all -Infinity,
 * impossible evidence) becomes all zeros (uninformative).
 */
import { InputError } from "@ghmkit/ghm";
import { tf } from "@ghmkit/tensor";
import type { Evidence } from "@ghmkit/ghm";

export interface NetInputOptions {
  /** Clip level B > 0 (default 20: e^-20 ~ 2e-9). */
  clip?: number;
  /** Divide by B so inputs lie in [-1, 0] (default true). */
  rescale?: boolean;
}

function clipOf(options: NetInputOptions): number {
  const clip = options.clip ?? 20;
  if (!(clip > 0 && Number.isFinite(clip)))
    throw new InputError("clip", `evidenceToNetInput: clip must be a finite number > 0, got ${clip}`);
  return clip;
}

/** Evidence `[batch, d, S]` (Float64Array or a tensor of log-likelihoods) -> float32 net input `[batch, d, S]`. */
export function evidenceToNetInput(ev: Evidence | tf.Tensor3D, options: NetInputOptions = {}): tf.Tensor3D {
  const clip = clipOf(options);
  const scale = (options.rescale ?? true) ? 1 / clip : 1;
  if (ev instanceof tf.Tensor) {
    return tf.tidy(() => {
      const mx = tf.max(ev, -1, true);
      const safe = tf.where(tf.isFinite(mx), mx, tf.zerosLike(mx));
      // -Infinity - finite = -Infinity, and maximum(-Infinity, -clip) = -clip; NaN in means NaN out.
      const shifted = tf.maximum(tf.sub(ev, safe), -clip);
      const rowOk = tf.isFinite(mx);
      const out = tf.where(tf.broadcastTo(rowOk, ev.shape), shifted, tf.zerosLike(ev));
      return tf.mul(out, scale) as tf.Tensor3D;
    });
  }
  return tf.tensor3d(netInputArray(ev, options), [ev.batch, ev.d, ev.S]);
}

/**
 * evidenceToNetInput of host evidence as a Float32Array `[batch, d, S]`, without making a
 * tensor (training builds its batches on the host, where they can be prepared ahead).
 */
export function netInputArray(ev: Evidence, options: NetInputOptions = {}): Float32Array {
  const clip = clipOf(options);
  const scale = (options.rescale ?? true) ? 1 / clip : 1;
  const { batch, d, S, e } = ev;
  if (e.length !== batch * d * S)
    throw new InputError("e", `evidenceToNetInput: e has ${e.length} entries, expected batch*d*S = ${batch * d * S}`);
  const out = new Float32Array(e.length);
  for (let r = 0; r < batch * d; r++) {
    const o = r * S;
    let mx = -Infinity;
    for (let s = 0; s < S; s++) {
      const v = e[o + s];
      if (Number.isNaN(v))
        throw new InputError(
          `e[${o + s}]`,
          `evidenceToNetInput: e[${o + s}] is NaN; evidence must be log-likelihoods (-Infinity allowed)`,
        );
      if (v > mx) mx = v;
    }
    if (mx === Infinity)
      throw new InputError(
        "evidence",
        `evidenceToNetInput: e[${o}..${o + S}) contains +Infinity; evidence must be finite or -Infinity`,
      );
    if (mx === -Infinity) continue; // impossible leaf: zeros
    for (let s = 0; s < S; s++) out[o + s] = Math.max(e[o + s] - mx, -clip) * scale;
  }
  return out;
}

/**
 * The evidence exactly as the network reads it, in float64 and before the rescaling:
 * each leaf shifted by its max and clipped at -clip (an impossible leaf becomes all 0).
 * BP on this is what a BP-compiled network computes, so it is the reference its error
 * is measured against.
 */
export function clippedEvidence(ev: Evidence, options: Pick<NetInputOptions, "clip"> = {}): Evidence {
  const clip = clipOf(options);
  const { batch, d, S, e } = ev;
  const out = new Float64Array(e.length);
  for (let r = 0; r < batch * d; r++) {
    let mx = -Infinity;
    for (let s = 0; s < S; s++) mx = Math.max(mx, e[r * S + s]);
    if (!Number.isFinite(mx)) continue;
    for (let s = 0; s < S; s++) out[r * S + s] = Math.max(e[r * S + s] - mx, -clip);
  }
  return { ...ev, e: out };
}
