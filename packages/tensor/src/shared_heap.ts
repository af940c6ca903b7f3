// tfjs-backend-wasm's heap on a SharedArrayBuffer (Node). The backend's module defines its
// own memory, a plain ArrayBuffer that no other thread can read, so the kernel threads
// (gemm_threads.ts) had to work on copies of a product's operands: about 4.5 ms of a 55 ms
// d = 64 U-Net step, done by this thread while the helper waited. Declared shared, the same
// memory is one every thread can link to, and the helpers compute their bands in place.
// Only the memory's limits flag changes (the code is the same and runs on this thread);
// a module whose memory has no maximum (shared memories need one) or that does not
// instantiate that way is left as it was. GHM_SHARED_HEAP=0 keeps the heap as tfjs makes it
// (the kernel threads then copy).
import { InputError } from "@ghmkit/ghm";
import { tf } from "./backendCore";
import { isSharedMemory } from "./kernels/heap_simd";

/** The memory section's id in the wasm binary format. */
const MEMORY_SECTION = 5;
/** Limits flags: 1 = min and max, 3 = min, max and shared. */
const HAS_MAX = 1;
const SHARED_HAS_MAX = 3;

/**
 * A copy of wasm module `bytes` whose one defined memory is shared, or null where the module
 * defines no memory, more than one, a shared one already, or one without a maximum.
 */
export function shareDefinedMemory(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  let p = 8;
  const leb = (): number => {
    let r = 0;
    for (let shift = 0; p < bytes.length; shift += 7) {
      const x = bytes[p++];
      r += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return r;
    }
    return -1;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const len = leb();
    if (len < 0) return null;
    const end = p + len;
    if (id === MEMORY_SECTION) {
      if (leb() !== 1 || bytes[p] !== HAS_MAX) return null;
      const copy = bytes.slice();
      copy[p] = SHARED_HAS_MAX;
      return copy;
    }
    p = end;
  }
  return null;
}

type Instantiate = (source: unknown, imports?: object) => Promise<unknown>;
interface WasmGlobal {
  instantiate: Instantiate;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmGlobal }).WebAssembly;

/** Whether the wasm backend's heap is a SharedArrayBuffer (false before it is initialised). */
export function heapShared(): boolean {
  // The engine's registry, not findBackend: that would start initialising a backend not yet
  // initialised, outside withSharedHeap.
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  const backend = registry.wasm as { wasm?: { asm?: { memory?: unknown } } } | undefined;
  return isSharedMemory(backend?.wasm?.asm?.memory);
}

/** GHM_SHARED_HEAP: 1, auto or unset (share), 0 (do not); anything else is an InputError. */
export function sharedHeapWanted(): boolean {
  const raw = typeof process === "undefined" ? undefined : process.env.GHM_SHARED_HEAP;
  const v = raw?.trim().toLowerCase();
  if (v === undefined || v === "" || v === "1" || v === "auto") return true;
  if (v === "0") return false;
  throw new InputError("GHM_SHARED_HEAP", `expected 1, 0 or auto, got "${raw}"`, "fix it, or unset it");
}

/**
 * Run `init` (the wasm backend's initialisation) with WebAssembly.instantiate giving the first
 * module it instantiates from bytes a shared memory; anything else passes through. Where the
 * shared version fails to instantiate, the original bytes are instantiated instead.
 */
export async function withSharedHeap<T>(init: () => Promise<T>): Promise<T> {
  if (!sharedHeapWanted() || WA === undefined || typeof SharedArrayBuffer === "undefined") return init();
  const original = WA.instantiate;
  let pending = true;
  const hook: Instantiate = async (source, imports) => {
    const bytes = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : null;
    const patched = pending && bytes !== null ? shareDefinedMemory(bytes) : null;
    pending = false;
    if (patched === null) return original.call(WA, source, imports);
    try {
      return await original.call(WA, patched, imports);
    } catch {
      return original.call(WA, source, imports);
    }
  };
  WA.instantiate = hook;
  try {
    return await init();
  } finally {
    if (WA.instantiate === hook) WA.instantiate = original;
  }
}
