/** Everything that needs TensorFlow.js; main.ts imports this lazily, on the first model load. */
export { chooseBackend } from "./backend";
export type { BrowserBackend } from "./backend";
export { loadFromFiles, loadFromUrl } from "./loadUNet";
export type { LoadedUNet } from "./loadUNet";
// nets' one network-to-Denoiser adapter (the input convention training uses).
export { netDenoiser, predictLeaves } from "@ghmkit/nets";
