/**
 * The wasm SIMD GEMM (wasm/gemm.wat) and the arena its operands live in. One pass of
 * runRows allocates its block messages from one arena (a WebAssembly.Memory sized up
 * front, so the Float64Array views never detach) and calls gemm on them in place.
 * Where wasm SIMD is missing (or GHM_BP_WASM=0), arenas are plain heap arrays and the
 * kernels take their JS path, which gives the same bits (see gemm.wat).
 */
import { GEMM_WASM_BASE64 } from "./gemm_wasm";

/** Y[i*ldy + c] = sum_k X[i*ldx + k] A[k*N + c]; x, a, y are byte offsets into the arena's memory. */
export type Gemm = (x: number, ldx: number, a: number, y: number, ldy: number, n: number, K: number, N: number) => void;

export interface Arena {
  /** Float64 views for the kernels; zero-filled. */
  f64(n: number): Float64Array;
  /** null on the JS path. */
  gemm: Gemm | null;
}

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
let enabled = true;

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  compiled = null;
  if (env?.GHM_BP_WASM === "0" || !WA) return compiled;
  const bytes = decode(GEMM_WASM_BASE64);
  // validate() is false where SIMD is not supported: then the JS kernels run.
  if (WA.validate(bytes)) compiled = new WA.Module(bytes);
  return compiled;
}

/** Whether runBP's kernels use wasm SIMD here. */
export function wasmKernels(): boolean {
  return enabled && wasmModule() !== null;
}

/** Test hook: force the JS path (false) or allow wasm again (true). */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}

/** An arena of `floats` float64s (each f64() rounded up to a 16-byte boundary: add 2 per call to the count). */
export function makeArena(floats: number): Arena {
  const mod = wasmKernels() ? wasmModule() : null;
  if (!mod) return { f64: (n) => new Float64Array(n), gemm: null };
  const pages = Math.max(1, Math.ceil((8 * floats + 64) / 65536));
  const memory = new WA!.Memory({ initial: pages });
  const inst = new WA!.Instance(mod, { env: { mem: memory } });
  let next = 0;
  return {
    f64(n: number): Float64Array {
      const a = new Float64Array(memory.buffer, next, n);
      next += 8 * n + ((16 - ((8 * n) % 16)) % 16);
      return a;
    },
    gemm: inst.exports.gemm as Gemm,
  };
}
