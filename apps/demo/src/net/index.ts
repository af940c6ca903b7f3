/** Everything that needs TensorFlow.js; main.ts imports this lazily, on the first model load. */
export { chooseBackend } from "./backend";
export type { BrowserBackend } from "./backend";
export { loadFromFiles, loadFromUrl } from "./loadUNet";
export type { LoadedUNet } from "./loadUNet";
export { predictLeaves, unetDenoiser } from "./unetDenoiser";
