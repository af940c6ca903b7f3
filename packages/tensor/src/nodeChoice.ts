// The Node backend chooser, with the module loader injected: the real one is `require`;
// tests pass a fake one to check the order and the errors for packages that cannot be
// installed here (tfjs-node-gpu needs Linux with CUDA).
import { InputError } from "@ghmkit/ghm";
import {
  type BackendInfo,
  type BackendPreference,
  type NodeBackendName,
  activateCpu,
  activateWasm,
  message,
  setBackendOrThrow,
  tf,
} from "./backendCore";
import { withSharedHeap } from "./shared_heap";

export interface NodeLoader {
  /** `require(pkg)`: the module, or a throw when it is absent or fails to load. */
  load(pkg: string): unknown;
  /** Folder of the wasm backend's .wasm binaries (trailing separator), or null for tfjs's default. */
  wasmDir(): string | null;
}

/** The packages providing the native "tensorflow" backend, per backend name. */
export const NATIVE_PACKAGES = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
} as const;
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";

type Native = keyof typeof NATIVE_PACKAGES;

const INSTALL_HINT: Record<Native, string> = {
  "node-gpu": "npm install @tensorflow/tfjs-node-gpu@4.22.0 (Linux x64 with CUDA)",
  node: "npm install @tensorflow/tfjs-node@4.22.0",
};
const OTHERS: Record<Native, string> = { "node-gpu": "node|wasm|cpu", node: "wasm|cpu" };

/** A chooser with its own memory of which native packages failed to load. */
export function nodeChooser(
  loader: NodeLoader,
): (pref: BackendPreference, source: string) => Promise<BackendInfo<NodeBackendName>> {
  const loadError = new Map<Native, string | null>();
  let wasmPathsSet = false;

  /** Load a native backend for its side effect (registering "tensorflow"); null on success. */
  function tryLoad(name: Native): string | null {
    const known = loadError.get(name);
    if (known !== undefined) return known;
    let err: string | null;
    try {
      // tfjs-node(-gpu) requires @tensorflow/tfjs itself: it must be this very copy, or its
      // tensors and ours would be two kinds that never mix.
      const mod = loader.load(NATIVE_PACKAGES[name]) as { Tensor?: unknown } | null;
      err =
        mod?.Tensor === tf.Tensor
          ? null
          : "it resolved a different copy of @tensorflow/tfjs; pin both to the same exact version";
    } catch (e) {
      err = message(e);
    }
    loadError.set(name, err);
    return err;
  }

  async function activateNative(name: Native, reason: string): Promise<BackendInfo<Native>> {
    await setBackendOrThrow("tensorflow");
    return { name, tfBackend: tf.getBackend(), reason, customKernels: [] };
  }

  function loadWasm(): void {
    const wasm = loader.load(WASM_PACKAGE) as { setWasmPaths(prefix: string): void };
    if (!wasmPathsSet) {
      const dir = loader.wasmDir();
      if (dir !== null) wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
  }

  return async function choose(pref: BackendPreference, source: string): Promise<BackendInfo<NodeBackendName>> {
    if (pref === "node-gpu" || pref === "node") {
      const err = tryLoad(pref);
      if (err !== null) {
        throw new InputError(
          "backend",
          `"${pref}" requested (${source}) but ${NATIVE_PACKAGES[pref]} cannot load: ${err}`,
          `install it (${INSTALL_HINT[pref]}), or choose another backend with GHM_BACKEND=${OTHERS[pref]} ` +
            `or --backend ${OTHERS[pref]}`,
        );
      }
      return activateNative(pref, `requested via ${source}`);
    }
    if (pref === "wasm") {
      loadWasm();
      return withSharedHeap(() => activateWasm(`requested via ${source}`));
    }
    if (pref === "cpu") return activateCpu(`requested via ${source}`);

    const gpuErr = tryLoad("node-gpu");
    if (gpuErr === null) return activateNative("node-gpu", `auto: ${NATIVE_PACKAGES["node-gpu"]} loaded`);
    const nodeErr = tryLoad("node");
    if (nodeErr === null)
      return activateNative("node", `auto: ${NATIVE_PACKAGES.node} loaded (tfjs-node-gpu unavailable: ${gpuErr})`);
    const why = `tfjs-node-gpu unavailable (${gpuErr}); tfjs-node unavailable (${nodeErr})`;
    try {
      loadWasm();
      return await withSharedHeap(() => activateWasm(`auto: ${why}`));
    } catch (wasmErr) {
      return activateCpu(`auto: ${why}; wasm failed (${message(wasmErr)})`);
    }
  };
}
