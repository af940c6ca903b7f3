/** Everything that needs TensorFlow.js; main.ts imports this lazily, on the first model load. */
/// <reference types="vite/client" />
import { type BrowserBackendPreference, initBackend } from "@ghmkit/tensor";
// Vite copies the wasm backend's binaries into the build and gives their URLs; without
// them tfjs would look next to the bundled script, where they are not.
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

/** @ghmkit/tensor's browser chooser (auto = webgl > wasm > cpu), given where the wasm binaries are served. */
export async function chooseBackend(pref: BrowserBackendPreference): Promise<string> {
  const info = await initBackend(pref, {
    wasmPaths: {
      "tfjs-backend-wasm.wasm": wasmPlain,
      "tfjs-backend-wasm-simd.wasm": wasmSimd,
      "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
    },
  });
  return info.name;
}
export { loadFromFiles, loadFromUrl } from "./loadUNet";
export type { LoadedUNet } from "./loadUNet";
// nets' one network-to-Denoiser adapter (the input convention training uses).
export { netDenoiser, predictLeaves } from "@ghmkit/nets";
