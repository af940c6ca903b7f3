import { InputError } from "@ghmkit/ghm";
import type { Rng } from "@ghmkit/ghm";
import { MASK } from "./denoiser";
import { checkAbar } from "./vp";

/**
 * Forward draws of the discrete processes (SPEC.md section 5), each leaf
 * independently, from symbols x_0 in [0, S).
 */

/** Uniform replacement: keep x_0 with probability abar, else a uniform symbol (which may equal x_0). */
export function qSampleUniform(x0: Int32Array, S: number, abar: number, rng: Rng): Int32Array {
  checkAbar(abar);
  const out = new Int32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = rng.uniform() < abar ? checked(x0, i, S) : rng.int(S);
  return out;
}

/** Absorbing state: mask (write MASK = -1) with probability 1 - abar. */
export function qSampleMask(x0: Int32Array, S: number, abar: number, rng: Rng): Int32Array {
  checkAbar(abar);
  const out = new Int32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = rng.uniform() < abar ? checked(x0, i, S) : MASK;
  return out;
}

function checked(x0: Int32Array, i: number, S: number): number {
  const s = x0[i];
  if (!(s >= 0 && s < S)) throw new InputError(`x0[${i}]`, `is ${s}, outside [0, ${S})`);
  return s;
}
