// The browser backend chooser: webgl > wasm > cpu, with no Node module anywhere in its
// imports (a page has no require, no process.env and no tfjs-node).
import { InputError } from "@ghmkit/ghm";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  BROWSER_BACKENDS,
  type BackendInfo,
  type BrowserBackendName,
  type BrowserBackendPreference,
  activateCpu,
  activateWasm,
  initOnce,
  message,
  setBackendOrThrow,
  tf,
} from "./backendCore";

export { tf, backendInfo, silenceCpuNodeHint } from "./backendCore";

export interface BrowserBackendOptions {
  /**
   * Where the page serves @tensorflow/tfjs-backend-wasm's `.wasm` files: a URL prefix ending
   * in "/", or a map from file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`,
   * `tfjs-backend-wasm-threaded-simd.wasm`) to URL. Default: tfjs's own, next to the script.
   */
  wasmPaths?: Parameters<typeof setWasmPaths>[0];
}

const NAMES = ["auto", ...BROWSER_BACKENDS].join(", ");

/**
 * Choose and activate the tfjs backend in a browser. Order for "auto": WebGL when the page
 * gets a GPU context, else wasm (ghmkit's custom kernels included) when its binaries load,
 * else the plain JavaScript cpu backend. Idempotent like the Node entry's `initBackend`.
 */
export function initBackend(
  preference: BrowserBackendPreference = "auto",
  options: BrowserBackendOptions = {},
): Promise<BackendInfo<BrowserBackendName>> {
  if (preference !== "auto" && !BROWSER_BACKENDS.includes(preference)) {
    throw new InputError("backend", `unknown browser backend "${String(preference)}"`, `use one of ${NAMES}`);
  }
  const source = "argument";
  return initOnce(preference, source, () => choose(preference, options));
}

async function choose(
  pref: BrowserBackendPreference,
  options: BrowserBackendOptions,
): Promise<BackendInfo<BrowserBackendName>> {
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  if (pref !== "auto") {
    try {
      return await activate(pref, "requested via argument");
    } catch (err) {
      const others = BROWSER_BACKENDS.filter((b) => b !== pref).join(" or ");
      throw new InputError(
        "backend",
        `"${pref}" could not start in this browser (${message(err)})`,
        `choose ${others}`,
      );
    }
  }
  const failed: string[] = [];
  for (const name of ["webgl", "wasm"] as const) {
    try {
      return await activate(name, failed.length === 0 ? "auto" : `auto: ${failed.join("; ")}`);
    } catch (err) {
      failed.push(`${name} failed (${message(err)})`);
    }
  }
  return activate("cpu", `auto: ${failed.join("; ")}`);
}

async function activate(name: BrowserBackendName, reason: string): Promise<BackendInfo<BrowserBackendName>> {
  if (name === "wasm") return activateWasm(reason);
  if (name === "cpu") return activateCpu(reason);
  await setBackendOrThrow("webgl");
  return { name, tfBackend: tf.getBackend(), reason, customKernels: [] };
}
