// The Node side of fused multiply-add (kernels/gemm_fma.ts): Node 20's V8 (11.3) compiles
// wasm relaxed SIMD only behind --experimental-wasm-relaxed-simd (Node 22 and later ship it),
// and V8 reads that flag when it compiles a module, so it can be set at run time; it only
// admits the relaxed SIMD opcodes. GHM_GEMM_FMA=0 leaves the flag untouched.
import { InputError } from "@ghmkit/ghm";
import * as v8 from "node:v8";
import { gemmFmaAvailable as availableHere, gemmFmaConfigured, setGemmFmaHere } from "./kernels/gemm_fma";

const RELAXED_SIMD_FLAG = "--experimental-wasm-relaxed-simd";
let flagSet = false;

function allowRelaxedSimd(): void {
  if (flagSet) return;
  flagSet = true;
  try {
    v8.setFlagsFromString(RELAXED_SIMD_FLAG);
  } catch {
    // no such flag (a V8 without it, or with relaxed SIMD on by default): nothing to enable
  }
}

/**
 * Fused multiply-add in the wasm backend's matrix products: true (an InputError where this
 * runtime lacks it), false (the plain kernels, XNNPACK's bits) or "auto" (fused where the CPU
 * fuses). Faster (1.3-1.7x per product here) with each multiply-add rounded once; the bits
 * are the same on every run of one machine and for every kernel-thread count. Returns the
 * previous setting.
 */
export function setGemmFma(on: boolean | "auto"): boolean {
  if (on !== false) allowRelaxedSimd();
  return setGemmFmaHere(on);
}

/** Whether fused multiply-add is available to the GEMMs here (relaxed SIMD that fuses). */
export function gemmFmaAvailable(): boolean {
  allowRelaxedSimd();
  return availableHere();
}

/** The setting "auto" resolves through here: GHM_GEMM_FMA (1/on, 0/off, auto), else auto. */
function envSetting(): boolean | "auto" {
  const raw = process.env.GHM_GEMM_FMA?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw === "auto") return "auto";
  if (raw === "1" || raw === "on" || raw === "true") return true;
  if (raw === "0" || raw === "off" || raw === "false") return false;
  throw new InputError("GHM_GEMM_FMA", `expected 1, 0 or auto, got "${raw}"`, "fix it, or unset it");
}

/** initBackend's default: GHM_GEMM_FMA, else "auto", unless setGemmFma chose already. */
export function defaultGemmFma(): void {
  if (gemmFmaConfigured()) return;
  const setting = envSetting();
  if (setting === true && !gemmFmaAvailable())
    throw new InputError(
      "GHM_GEMM_FMA",
      "is 1, but fused multiply-add is not available here (wasm relaxed SIMD missing, or the CPU does not fuse)",
      "set it to 0 or auto, or unset it",
    );
  setGemmFma(setting);
}
