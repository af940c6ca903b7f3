// Fused multiply-add in the heap GEMMs. Wasm SIMD has no FMA; relaxed SIMD's f32x4.relaxed_madd
// is fused wherever the CPU has FMA, and the GEMM kernels (heap.wat, built a second time with
// their multiply-adds fused) then ran 1.3-1.7x faster on the U-Net's shapes and a d = 64
// training step 1.13-1.23x (alternating runs, 2-vCPU AMD EPYC VM). Each output element is
// still one float32 sum in k order, but each multiply-add rounds once instead of twice: other
// bits than XNNPACK's and the plain kernels' (and no further from the exact sum). On one
// machine the bits are the same on every run and for every kernel-thread count; across
// machines they can differ where one CPU fuses and another does not.
import { InputError } from "@ghmkit/ghm";
import type { HeapSimd } from "./heap_simd";
import { HEAP_FMA_WASM_BASE64, HEAP_SHARED_FMA_WASM_BASE64 } from "./heap_wasm";
import { compileWasm, type WasmApi } from "./wasm_module";

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let fusedModule: object | null | undefined;
let fused = false;
let configured = false;

/**
 * Whether this runtime's relaxed_madd is fused: c = bias + a b with a = 1 + 2^-23,
 * b = 1 - 2^-23, bias = -1. The exact product 1 - 2^-46 rounds to 1 in float32, so a rounded
 * product gives 0 and a fused multiply-add -2^-46.
 */
function fuses(mod: object): boolean {
  if (WA === undefined) return false;
  const memory = new WA.Memory({ initial: 1 });
  const k = new WA.Instance(mod, { env: { memory } }).exports as unknown as HeapSimd;
  const f = new Float32Array(memory.buffer);
  const [a, b, bias, c] = [16, 32, 48, 64]; // float offsets: 4 floats of a, 8 of b, 8 of bias, 32 of c
  f.fill(1 + 2 ** -23, a, a + 4);
  f.fill(1 - 2 ** -23, b, b + 8);
  f.fill(-1, bias, bias + 8);
  k.gemmNN(4 * a, 4 * b, 4 * bias, 4 * c, 4, 1, 8);
  return f[c] !== 0;
}

/**
 * heap.wat with its GEMM multiply-adds fused, compiled, or null where relaxed SIMD is missing
 * or does not fuse here (where it does not fuse its bits are the plain module's anyway).
 * Only a found module is kept: Node enables relaxed SIMD on demand (gemm_fma_node.ts), so a
 * later call may succeed where an earlier one failed.
 */
export function fusedHeapModule(): object | null {
  if (fusedModule === undefined) {
    const mod = compileWasm(HEAP_FMA_WASM_BASE64);
    let ok = false;
    try {
      ok = mod !== null && fuses(mod);
    } catch {
      ok = false;
    }
    if (!ok) return null;
    fusedModule = mod;
  }
  return fusedModule;
}

let fusedShared: object | null | undefined;

/** The fused module importing a shared memory (kernel threads, a shared heap); null where fusedHeapModule() is. */
export function fusedSharedHeapModule(): object | null {
  if (fusedHeapModule() === null) return null;
  fusedShared ??= compileWasm(HEAP_SHARED_FMA_WASM_BASE64);
  return fusedShared;
}

/** Whether fused multiply-add is available to the GEMMs here (relaxed SIMD that fuses). */
export function gemmFmaAvailable(): boolean {
  return fusedHeapModule() !== null;
}

/**
 * Fused multiply-add in the wasm backend's matrix products: true (an InputError where this
 * runtime lacks it), false (the plain kernels: XNNPACK's bits), or "auto" (fused where
 * available). Returns the previous setting. In Node, use the entry's setGemmFma, which first
 * enables relaxed SIMD where the runtime keeps it behind a flag.
 */
export function setGemmFmaHere(on: boolean | "auto"): boolean {
  if (on !== true && on !== false && on !== "auto")
    throw new InputError("fma", `expected true, false or "auto", got ${String(on)}`, "pass one of those");
  if (on === true && !gemmFmaAvailable())
    throw new InputError(
      "fma",
      "fused multiply-add is not available here (wasm relaxed SIMD missing, or the CPU does not fuse)",
      'use false or "auto"',
    );
  const was = fused;
  fused = on === "auto" ? gemmFmaAvailable() : on;
  configured = true;
  return was;
}

/** Whether the wasm backend's matrix products fuse their multiply-adds now. */
export function gemmFma(): boolean {
  return fused;
}

/** Whether setGemmFma chose already (initBackend then keeps the choice). */
export function gemmFmaConfigured(): boolean {
  return configured;
}
