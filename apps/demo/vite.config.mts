/**
 * The demo imports the workspace packages as a user would: by name, through their
 * exports maps' `browser` entries, ES modules in each package's dist/esm (built first:
 * turbo's `^build` does that), with no alias and no stub. Those entries hold no Node built-in.
 */
import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of any static server.
  base: "./",
  build: {
    target: "es2022",
    // TensorFlow.js is one lazily loaded chunk of about 1 MB; it is expected.
    chunkSizeWarningLimit: 1600,
    reportCompressedSize: true,
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
