/** Register ghmkit's custom wasm kernels; returns their names. */
export function registerWasmKernels(): string[] {
  return [];
}
