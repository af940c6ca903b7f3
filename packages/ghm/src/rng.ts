/**
 * Seeded pseudo-random numbers. Every random draw in ghmkit goes through an Rng
 * made from an explicit seed, so runs are reproducible; separate stages (grammar,
 * data, init, noise) take separate seeds.
 *
 * Generator: xoshiro128** seeded through splitmix32; it is fast in 32-bit JS
 * integer arithmetic and passes BigCrush, which is all a simulator needs.
 */
import { InputError } from "./inputError";
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new InputError("seed", `must be a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /**
   * Index drawn from unnormalised non-negative weights `w[offset .. offset+n)`.
   * Falls back to the last positive weight to absorb rounding at the top end.
   */
  categorical(w: ArrayLike<number>, offset = 0, n = w.length - offset): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += w[offset + i];
    let r = this.uniform() * total;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const wi = w[offset + i];
      if (wi > 0) {
        last = i;
        if (r < wi) return i;
        r -= wi;
      }
    }
    if (last < 0) throw new InputError("weights", "categorical: all weights are zero", "give at least one weight > 0");
    return last;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The full generator state, to checkpoint a run and resume it exactly. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spareNormal ?? NaN];
  }

  /** Restores a state from getState(). */
  setState(state: readonly number[]): this {
    if (state.length !== 5 || state.slice(0, 4).some((v) => !Number.isInteger(v))) {
      throw new InputError("state", "Rng state must be the 5 numbers returned by getState()");
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0);
    this.spareNormal = state[4] == null || Number.isNaN(state[4]) ? null : state[4]; // JSON turns NaN into null
    return this;
  }

  /** A new independent generator derived from this one (for sub-streams). */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
