// The Node backend chooser: node-gpu > node > wasm > cpu. tfjs-node(-gpu), when it loads,
// itself requires the same `@tensorflow/tfjs` (a peer pinned to the same exact version) and
// only *adds* the "tensorflow" backend to its engine: we load it for that side effect and
// never use its exports as `tf`.
import { InputError } from "@ghmkit/ghm";
import { type BackendInfo, type BackendPreference, NODE_BACKENDS, type NodeBackendName, initOnce } from "./backendCore";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultGemmFma } from "./gemm_fma_node";
import { defaultKernelThreads } from "./gemm_threads";
import { NATIVE_PACKAGES, nodeChooser, WASM_PACKAGE } from "./nodeChoice";
import { sharedHeapWanted } from "./shared_heap";

export { tf, backendInfo, silenceCpuNodeHint } from "./backendCore";

const choose = nodeChooser({
  // A variable, not a literal: bundlers must not try to pull optional native packages in.
  load: (pkg) => {
    if (pkg === NATIVE_PACKAGES.node || pkg === NATIVE_PACKAGES["node-gpu"]) checkNativeBinding(pkg);
    return require(pkg);
  },
  wasmDir: wasmBinaryDir,
});

/**
 * tfjs-node and tfjs-node-gpu register every "tensorflow" kernel before they find their
 * native binding missing (their install script downloads libtensorflow, and fails on closed
 * networks): requiring both then floods stderr with "kernel already registered". A package
 * without its binding is treated as absent, without being required.
 */
function checkNativeBinding(pkg: string): void {
  const lib = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "lib");
  const found =
    fs.existsSync(lib) &&
    fs.readdirSync(lib).some((d) => d.startsWith("napi-v") && fs.existsSync(path.join(lib, d, "tfjs_binding.node")));
  if (!found) {
    throw new Error(
      `its native binding (lib/napi-v*/tfjs_binding.node) is missing: its install script (which downloads libtensorflow) did not complete`,
    );
  }
}

/**
 * Choose and activate the tfjs backend. Order for "auto": tfjs-node-gpu when it loads, else
 * tfjs-node, else wasm, else cpu. An explicit argument overrides the GHM_BACKEND environment
 * variable, which overrides "auto". Idempotent: later calls return the first call's info;
 * asking for a different backend after that throws.
 */
export function initBackend(preference?: BackendPreference): Promise<BackendInfo<NodeBackendName>> {
  const requested = resolvePreference(preference);
  defaultKernelThreads();
  defaultGemmFma();
  sharedHeapWanted(); // a bad GHM_SHARED_HEAP is refused here, not taken for a failed backend
  return initOnce(requested.pref, requested.source, () => choose(requested.pref, requested.source));
}

const NAMES = ["auto", ...NODE_BACKENDS].join(", ");

function resolvePreference(preference?: BackendPreference): { pref: BackendPreference; source: string } {
  if (preference !== undefined) {
    if (preference !== "auto" && !NODE_BACKENDS.includes(preference)) {
      throw new InputError("backend", `unknown backend "${String(preference)}"`, `use one of ${NAMES}`);
    }
    return { pref: preference, source: "argument / --backend" };
  }
  const raw = typeof process === "undefined" ? undefined : process.env.GHM_BACKEND;
  const env = raw?.trim().toLowerCase();
  if (env !== undefined && env !== "") {
    if (env !== "auto" && !NODE_BACKENDS.includes(env as NodeBackendName)) {
      throw new InputError("GHM_BACKEND", `unknown backend "${raw}"`, `set it to one of ${NAMES}, or unset it`);
    }
    return { pref: env as BackendPreference, source: "GHM_BACKEND" };
  }
  return { pref: "auto", source: "default" };
}

/**
 * Directory holding the .wasm binaries (the package's dist/, its `main`'s folder), with a
 * trailing separator as setWasmPaths expects; null where modules cannot be resolved.
 */
export function wasmBinaryDir(): string | null {
  if (typeof require !== "function" || typeof require.resolve !== "function") return null;
  const main = require.resolve(WASM_PACKAGE);
  return main.slice(0, Math.max(main.lastIndexOf("/"), main.lastIndexOf("\\")) + 1);
}
