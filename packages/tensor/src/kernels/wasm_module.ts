// Compiling the heap modules from their base64 bytes (heap_wasm.ts), in Node and browsers.

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The module, or null where it does not compile here (no wasm, no SIMD, no relaxed SIMD). */
export function compileWasm(base64: string): object | null {
  if (WA === undefined) return null;
  try {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new WA.Module(bytes);
  } catch {
    return null;
  }
}
