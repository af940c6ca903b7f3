/**
 * The demo bundles the workspace packages from their TypeScript sources (no prior
 * build), except @ghmkit/tensor, replaced by the browser entry src/net/tfBrowser.ts. Node built-ins that some package files import for their Node-only helpers
 * (ghm's grammar-file io, tensor's wasm path lookup, nets' fs model handler) resolve
 * to an empty module: the browser never calls those helpers.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const PACKAGES = ["ghm", "bp", "diffusion", "nets"];
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of any static server.
  base: "./",
  resolve: {
    alias: [
      ...PACKAGES.map((p) => ({ find: new RegExp(`^@ghmkit/${p}$`), replacement: here(`../../packages/${p}/src/index.ts`) })),
      // @ghmkit/tensor's entry require()s tfjs-node and the wasm backend: see src/net/tfBrowser.ts.
      { find: /^@ghmkit\/tensor$/, replacement: here("src/net/tfBrowser.ts") },
      { find: /^node:(fs|fs\/promises|path)$/, replacement: here("src/nodeStub.ts") },
    ],
  },
  build: {
    target: "es2022",
    // TensorFlow.js is one lazily loaded chunk of about 1 MB; it is expected.
    chunkSizeWarningLimit: 1600,
    reportCompressedSize: true,
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
