/**
 * The demo bundles the workspace packages from their TypeScript sources (no prior
 * build). What they load only for Node resolves to stubs the page never calls:
 * @ghmkit/tensor's Node backends (tfjs-node, wasm), and the Node built-ins used by
 * ghm's grammar-file io and nets' fs model handler.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const PACKAGES = ["ghm", "bp", "diffusion", "tensor", "nets"];
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of any static server.
  base: "./",
  resolve: {
    alias: [
      ...PACKAGES.map((p) => ({
        find: new RegExp(`^@ghmkit/${p}$`),
        replacement: here(`../../packages/${p}/src/index.ts`),
      })),
      // @ghmkit/tensor require()s these inside initBackend (Node backends); a bundler would follow them into native code.
      { find: /^@tensorflow\/tfjs-(node|backend-wasm)$/, replacement: here("src/nodeOnlyStub.ts") },
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
