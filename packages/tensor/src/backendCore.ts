// What the Node and the browser backend choosers share: the one `tf`, the backend names,
// the once-per-process choice, and activating the cpu and wasm backends.
//
// Single tfjs-core instance: `tf` is `@tensorflow/tfjs`, a peer dependency, so a consumer's
// own `@tensorflow/tfjs` and ours are one copy (custom kernels registered here are visible to it).
import { InputError } from "@ghmkit/ghm";
import * as tf from "@tensorflow/tfjs";
import { registerWasmKernels } from "./kernels/register";
import { gemmFmaConfigured, setGemmFmaHere } from "./kernels/gemm_fma";

export { tf };

/** Backends the Node entry can choose. */
export type NodeBackendName = "node-gpu" | "node" | "wasm" | "cpu";
/** Backends the browser entry can choose. */
export type BrowserBackendName = "webgl" | "wasm" | "cpu";
export type BackendName = NodeBackendName | BrowserBackendName;
/** What the Node entry's `initBackend` accepts (the CLI's `--backend`, `GHM_BACKEND`). */
export type BackendPreference = "auto" | NodeBackendName;
/** What the browser entry's `initBackend` accepts. */
export type BrowserBackendPreference = "auto" | BrowserBackendName;

/** In `auto` order, best first. */
export const NODE_BACKENDS: readonly NodeBackendName[] = ["node-gpu", "node", "wasm", "cpu"];
/** In `auto` order, best first. */
export const BROWSER_BACKENDS: readonly BrowserBackendName[] = ["webgl", "wasm", "cpu"];

export interface BackendInfo<N extends BackendName = BackendName> {
  name: N;
  /** The tfjs backend name actually active: "tensorflow", "webgl", "wasm" or "cpu". */
  tfBackend: string;
  /** Why this backend was chosen (and why better ones were not). */
  reason: string;
  /** Kernels ghmkit registered on top of the stock backend. */
  customKernels: string[];
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** The backend chosen by `initBackend`, or null before it has completed. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * Runs `choose` on the first call only; later calls return its result, and asking for a
 * different backend after that throws (tensors already made live on the first one).
 * A failed choice is forgotten, so the caller can try another.
 */
export function initOnce<N extends BackendName>(
  pref: string,
  source: string,
  choose: () => Promise<BackendInfo<N>>,
): Promise<BackendInfo<N>> {
  if (pending === null) {
    const chosen = choose().then(
      (info) => {
        current = info;
        return info;
      },
      (err: unknown) => {
        pending = null;
        throw err;
      },
    );
    pending = chosen;
    return chosen;
  }
  // The same process asks with the same entry (Node or browser), so the names are N's.
  return (pending as Promise<BackendInfo<N>>).then((info) => {
    if (pref !== "auto" && pref !== info.name) {
      throw new InputError(
        "backend",
        `already initialised as "${info.name}"; "${pref}" was requested (${source})`,
        "choose the backend once, before any tensor work",
      );
    }
    return info;
  });
}

/** First line of an error's message (native loaders write long multi-line ones). */
export function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0];
}

export async function setBackendOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`backend: tfjs could not activate "${name}"`);
  }
}

export async function activateCpu(reason: string): Promise<BackendInfo<"cpu">> {
  await setBackendOrThrow("cpu");
  silenceCpuNodeHint();
  return { name: "cpu", tfBackend: tf.getBackend(), reason, customKernels: [] };
}

/** Activate the wasm backend, whose module the caller has loaded (importing it registers "wasm"). */
export async function activateWasm(reason: string): Promise<BackendInfo<"wasm">> {
  const customKernels = registerWasmKernels();
  // Fused multiply-add where the runtime has it (the Node entry has resolved GHM_GEMM_FMA already).
  if (!gemmFmaConfigured()) setGemmFmaHere("auto");
  await setBackendOrThrow("wasm");
  return { name: "wasm", tfBackend: tf.getBackend(), reason, customKernels };
}

/**
 * The cpu backend logs "install tfjs-node" on its first write in Node. When cpu is chosen
 * (or used as a reference in tests) that hint is noise; `firstUse` is the flag it checks.
 */
export function silenceCpuNodeHint(): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu !== null) cpu.firstUse = false;
}
