/**
 * The browser's stand-in for @ghmkit/tensor (vite.config.mts aliases the package here).
 * @ghmkit/tensor's entry also loads tfjs-node and the wasm backend through require(),
 * which a bundler follows into native Node code; the page needs only TensorFlow.js
 * itself (the same pinned version, hence the same single instance) and picks its
 * backend in backend.ts. Type-checking still sees the real package.
 */
import * as tf from "@tensorflow/tfjs";

export { tf };
