/**
 * Stand-in for @tensorflow/tfjs-node and @tensorflow/tfjs-backend-wasm in the browser
 * bundle (see vite.config.mts). @ghmkit/tensor require()s them only inside initBackend
 * to choose a Node backend; the page never calls initBackend (src/net/backend.ts picks
 * webgl or cpu), so nothing here is ever used.
 */
export default {};
