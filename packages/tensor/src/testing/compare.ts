// Test helpers: run the same computation on wasm (custom kernels) and on the pure-JS cpu
// backend, and compare. Inputs are seeded so every run sees the same numbers.
import { silenceCpuNodeHint, tf } from "../backend";

export function seeded(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, "float32", seed).dataSync() as Float32Array);
}

export interface Outputs {
  shapes: number[][];
  values: Float32Array[];
}

/** Run `f` on backend `name` (inputs re-created there), read its outputs, restore wasm. */
export async function runOn(
  name: "wasm" | "cpu",
  inputs: { shape: number[]; data: Float32Array }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Outputs> {
  await tf.setBackend(name);
  silenceCpuNodeHint();
  try {
    return tf.tidy(() => {
      const xs = inputs.map((i) => tf.tensor(i.data, i.shape, "float32"));
      const out = f(...xs);
      const outs = Array.isArray(out) ? out : [out];
      return {
        shapes: outs.map((o) => o.shape),
        values: outs.map((o) => o.dataSync() as Float32Array),
      };
    });
  } finally {
    await tf.setBackend("wasm");
  }
}

/**
 * c[i, j] = the float32 sum over k = 0..K-1, in order, of fround(A(i, k) B(k, j)), each add
 * rounded (from bias(j), else 0): the bits every heap GEMM must give, whatever its blocking or
 * thread count; with `fused`, each multiply-add rounded once, the fused GEMMs' bits.
 */
export function sumInOrder(
  M: number,
  N: number,
  K: number,
  A: (i: number, k: number) => number,
  B: (k: number, j: number) => number,
  options: { fused?: boolean; bias?: (j: number) => number } = {},
): Float32Array {
  const c = new Float32Array(M * N);
  // Fused: s + a b rounded once (a float32 product is exact in float64; rounding the float64
  // sum and then to float32 rounds twice, which differs from one rounding only on float32
  // ties of a 2^-29-likely kind, none in these seeded tests).
  const round = options.fused
    ? (s: number, a: number, b: number) => Math.fround(s + a * b)
    : (s: number, a: number, b: number) => Math.fround(s + Math.fround(a * b));
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = options.bias?.(j) ?? 0;
      for (let k = 0; k < K; k++) s = round(s, A(i, k), B(k, j));
      c[i * N + j] = s;
    }
  }
  return c;
}

/** Largest |a-b| relative to the largest |b| (float32 GEMMs sum in different orders). */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

export async function expectSameOnCpu(
  inputs: { shape: number[]; data: Float32Array }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tol = 1e-5,
): Promise<void> {
  const wasm = await runOn("wasm", inputs, f);
  const cpu = await runOn("cpu", inputs, f);
  expect(wasm.shapes).toEqual(cpu.shapes);
  wasm.values.forEach((v, i) => {
    expect(relError(v, cpu.values[i])).toBeLessThanOrEqual(tol);
  });
}

/**
 * tf.matMul(a, b, ta, tb) on seeded operands of shapes sa and sb, once with a kernel path on
 * and once with it off (`use(false)`), leaving it on: [on, off, shape].
 */
export function matMulBothPaths(
  sa: number[],
  sb: number[],
  ta: boolean,
  tb: boolean,
  use: (on: boolean) => void,
  seeds: [number, number],
): [Float32Array, Float32Array, number[]] {
  const a = tf.tensor(seeded(sa, seeds[0]), sa);
  const b = tf.tensor(seeded(sb, seeds[1]), sb);
  use(true);
  const on = tf.matMul(a, b, ta, tb);
  use(false);
  const off = tf.matMul(a, b, ta, tb);
  use(true);
  const out: [Float32Array, Float32Array, number[]] = [
    on.dataSync() as Float32Array,
    off.dataSync() as Float32Array,
    on.shape,
  ];
  tf.dispose([a, b, on, off]);
  return out;
}
