/**
 * The wasm kernels (wasm/gemm.wat: SIMD GEMM of the product levels; wasm/rules.wat: the
 * rules levels' sums for m = 2; wasm/level.wat: the elementwise steps around them and the
 * marginals) and the arena their operands live in. One pass of
 * runRows allocates its block messages from one arena (a WebAssembly.Memory sized up
 * front, so the typed-array views never detach) and calls the kernels on them in place.
 * Where wasm SIMD is missing (or GHM_BP_WASM=0), arenas are plain heap arrays and the
 * kernels take their JS path, which gives the same bits (see gemm.wat).
 */
import { GEMM_WASM_BASE64 } from "./gemm_wasm";
import { LEVEL_WASM_BASE64 } from "./level_wasm";
import { RULES_WASM_BASE64 } from "./rules_wasm";

/** Y[i*ldy + c] = sum_k X[i*ldx + k] A[k*N + c]; x, a, y are byte offsets into the arena's memory. */
export type Gemm = (x: number, ldx: number, a: number, y: number, ldy: number, n: number, K: number, N: number) => void;

/** P[node*Sp + a] = the rules sum of parent a over the node's two children at V + node*ldc floats. */
export type RulesUp = (
  V: number,
  P: number,
  start: number,
  slot: number,
  prob: number,
  n: number,
  Sp: number,
  ldc: number,
) => void;
/** Y (2 Sc per node) = the children's unscaled down sums from the parents' W and the children's V. */
export type RulesDown = (
  W: number,
  V: number,
  Y: number,
  start: number,
  slot: number,
  prob: number,
  n: number,
  Sp: number,
  Sc: number,
) => void;

/** For m = 2 and even Sp: every child's X = W_parent ⊙ t_sibling ([2n, Sp]) and its max (with 0). */
export type DownX = (W: number, t: number, X: number, xmax: number, n: number, Sp: number) => void;
/** out[i] = max(0, max of row i of Y [n, N]). */
export type RowMax = (Y: number, out: number, n: number, N: number) => void;

/**
 * For n parents: the product of their m children's t rows (each Sp) scaled to max 1 into vp,
 * each max into pmax and a flag (0 done, 2 done but some entry needs its log, 1 redo in JS:
 * some product below `low`). With m = 1 and t = vp, it scales sums in place.
 */
export type UpProd = (
  t: number,
  vp: number,
  pmax: number,
  flags: number,
  n: number,
  m: number,
  Sp: number,
  low: number,
) => void;
/**
 * For n children's down sums Y (rows of Sc): each max into ymax, then the row scaled to max 1
 * (flag 0), left as summed for the JS scaling (flag 2), or flag 1 when xmax < TINY; xmax
 * steps by xstride bytes (0: the same weight for every child).
 */
export type DownScale = (
  Y: number,
  ymax: number,
  xmax: number,
  flags: number,
  n: number,
  Sc: number,
  xstride: number,
) => void;
/**
 * For n leaves of S evidence entries e: mxs = each leaf's max, ul = e - max (every entry),
 * v = exp(ul) as exp.ts computes it, with EXP_TABLE copied at tab.
 */
export type Leaves = (e: number, v: number, ul: number, mxs: number, n: number, S: number, tab: number) => void;
/** For n nodes (rows of S): out = vu * vw normalised (flag 0), or left unnormalised when below LOW (flag 1). */
export type Marginals = (vu: number, vw: number, out: number, flags: number, n: number, S: number) => void;

export interface WasmKernels {
  gemm: Gemm;
  downX: DownX;
  rowmax: RowMax;
  leaves: Leaves;
  upProd: UpProd;
  downScale: DownScale;
  marginals: Marginals;
  rulesUp: RulesUp;
  rulesDown: RulesDown;
}

export interface Arena {
  /** Zero-filled views for the kernels. */
  f64(n: number): Float64Array;
  i32(n: number): Int32Array;
  /** null on the JS path. */
  kernels: WasmKernels | null;
}

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Modules {
  gemm: object;
  rules: object;
  level: object;
}

let compiled: Modules | null | undefined;
let enabled = true;

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function wasmModule(): Modules | null {
  if (compiled !== undefined) return compiled;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  compiled = null;
  if (env?.GHM_BP_WASM === "0" || !WA) return compiled;
  const gemm = decode(GEMM_WASM_BASE64);
  const rules = decode(RULES_WASM_BASE64);
  const level = decode(LEVEL_WASM_BASE64);
  // validate() is false where SIMD (or bulk memory) is not supported: then the JS kernels run.
  if (WA.validate(gemm) && WA.validate(rules) && WA.validate(level))
    compiled = { gemm: new WA.Module(gemm), rules: new WA.Module(rules), level: new WA.Module(level) };
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

/**
 * An arena of `floats` float64s; each f64() or i32() starts on a 16-byte boundary, so
 * count 2 floats of padding per allocation (an i32 counts as half a float).
 */
export function makeArena(floats: number): Arena {
  const mod = wasmKernels() ? wasmModule() : null;
  if (!mod) return { f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n), kernels: null };
  const pages = Math.max(1, Math.ceil((8 * floats + 64) / 65536));
  const memory = new WA!.Memory({ initial: pages });
  const imports = { env: { mem: memory } };
  const gemm = new WA!.Instance(mod.gemm, imports).exports;
  const rules = new WA!.Instance(mod.rules, imports).exports;
  const level = new WA!.Instance(mod.level, imports).exports;
  let next = 0;
  const take = (bytes: number): number => {
    const at = next;
    next += bytes + ((16 - (bytes % 16)) % 16);
    if (next > memory.buffer.byteLength) throw new Error("bp arena: sized too small (a bug)");
    return at;
  };
  return {
    f64: (n) => new Float64Array(memory.buffer, take(8 * n), n),
    i32: (n) => new Int32Array(memory.buffer, take(4 * n), n),
    kernels: {
      gemm: gemm.gemm as Gemm,
      downX: gemm.down_x as DownX,
      rowmax: gemm.rowmax as RowMax,
      rulesUp: rules.up as RulesUp,
      rulesDown: rules.down as RulesDown,
      leaves: level.leaves as Leaves,
      upProd: level.up_prod as UpProd,
      downScale: level.down_scale as DownScale,
      marginals: level.marginals as Marginals,
    },
  };
}
