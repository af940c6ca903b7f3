// The one place ghmkit loads TensorFlow.js and picks its backend.
//
// Single tfjs-core instance: `tf` is `@tensorflow/tfjs`; @tensorflow/tfjs-node, when it
// loads, itself requires that same `@tensorflow/tfjs` (pinned to the same exact version,
// deduplicated by pnpm) and only *adds* the "tensorflow" backend to its engine. We load
// tfjs-node for that side effect and never use its exports as `tf`; we also check that it
// shares our Tensor class, so two copies of tfjs-core can never mix silently.
import { InputError } from "@ghmkit/ghm";
import * as tf from "@tensorflow/tfjs";
import { registerWasmKernels } from "./kernels/register";

export { tf };

export type BackendName = "node" | "wasm" | "cpu";
export type BackendPreference = "auto" | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** The tfjs backend name actually active: "tensorflow", "wasm" or "cpu". */
  tfBackend: string;
  /** Why this backend was chosen (and why better ones were not). */
  reason: string;
  /** Kernels ghmkit registered on top of the stock backend. */
  customKernels: string[];
}

const BACKEND_NAMES: readonly BackendName[] = ["node", "wasm", "cpu"];

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** The backend chosen by `initBackend`, or null before it has completed. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * Choose and activate the tfjs backend. Order for "auto": tfjs-node when it loads, else
 * wasm, else cpu. An explicit argument overrides the GHM_BACKEND environment variable,
 * which overrides "auto". Idempotent: later calls return the first call's info; asking
 * for a different backend after that throws.
 */
export function initBackend(preference?: BackendPreference): Promise<BackendInfo> {
  const requested = resolvePreference(preference);
  if (pending === null) {
    pending = choose(requested.pref, requested.source).then(
      (info) => {
        current = info;
        return info;
      },
      (err: unknown) => {
        pending = null;
        throw err;
      },
    );
    return pending;
  }
  return pending.then((info) => {
    if (requested.pref !== "auto" && requested.pref !== info.name) {
      throw new InputError(
        "backend",
        `already initialised as "${info.name}"; "${requested.pref}" was requested (${requested.source})`,
        "choose the backend once, before any tensor work",
      );
    }
    return info;
  });
}

function resolvePreference(preference?: BackendPreference): {
  pref: BackendPreference;
  source: string;
} {
  if (preference !== undefined) {
    if (preference !== "auto" && !BACKEND_NAMES.includes(preference)) {
      throw new InputError("backend", `unknown backend "${String(preference)}"`, "use one of auto, node, wasm, cpu");
    }
    return { pref: preference, source: "argument / --backend" };
  }
  const raw = typeof process === "undefined" ? undefined : process.env.GHM_BACKEND;
  const env = raw?.trim().toLowerCase();
  if (env !== undefined && env !== "") {
    if (env !== "auto" && !BACKEND_NAMES.includes(env as BackendName)) {
      throw new InputError("GHM_BACKEND", `unknown backend "${raw}"`, "set it to auto, node, wasm or cpu, or unset it");
    }
    return { pref: env as BackendPreference, source: "GHM_BACKEND" };
  }
  return { pref: "auto", source: "default" };
}

async function choose(pref: BackendPreference, source: string): Promise<BackendInfo> {
  if (pref === "node") {
    const err = tryLoadNode();
    if (err !== null) {
      throw new InputError(
        "backend",
        `"node" requested (${source}) but @tensorflow/tfjs-node cannot load: ${err}`,
        "install it for this platform, or choose another backend with GHM_BACKEND=wasm|cpu or --backend wasm|cpu",
      );
    }
    return activateNode(`requested via ${source}`);
  }
  if (pref === "wasm") return activateWasm(`requested via ${source}`);
  if (pref === "cpu") return activateCpu(`requested via ${source}`);

  const nodeErr = tryLoadNode();
  if (nodeErr === null) return activateNode("auto: @tensorflow/tfjs-node loaded");
  try {
    return await activateWasm(`auto: tfjs-node unavailable (${nodeErr})`);
  } catch (wasmErr) {
    return activateCpu(`auto: tfjs-node unavailable (${nodeErr}); wasm failed (${message(wasmErr)})`);
  }
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0];
}

let nodeLoadError: string | null | undefined;

/** Load tfjs-node for its side effect (registering "tensorflow"); null on success. */
function tryLoadNode(): string | null {
  if (nodeLoadError !== undefined) return nodeLoadError;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tfnode = require("@tensorflow/tfjs-node") as { Tensor: unknown };
    if (tfnode.Tensor !== tf.Tensor) {
      nodeLoadError = "it resolved a different copy of @tensorflow/tfjs; pin both to the same exact version";
    } else {
      nodeLoadError = null;
    }
  } catch (err) {
    nodeLoadError = message(err);
  }
  return nodeLoadError;
}

async function activateNode(reason: string): Promise<BackendInfo> {
  await setBackendOrThrow("tensorflow");
  return { name: "node", tfBackend: tf.getBackend(), reason, customKernels: [] };
}

/**
 * Directory holding the .wasm binaries (the package's dist/, its `main`'s folder), with a
 * trailing separator as setWasmPaths expects; null where modules cannot be resolved
 * (a browser bundle), where tfjs's default, next to the script, applies.
 */
export function wasmBinaryDir(): string | null {
  if (typeof require !== "function" || typeof require.resolve !== "function") return null;
  const main = require.resolve("@tensorflow/tfjs-backend-wasm");
  return main.slice(0, Math.max(main.lastIndexOf("/"), main.lastIndexOf("\\")) + 1);
}

let wasmPathsSet = false;

async function activateWasm(reason: string): Promise<BackendInfo> {
  // Required lazily so that node/cpu users never load the wasm bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  if (!wasmPathsSet) {
    const dir = wasmBinaryDir();
    if (dir !== null) wasm.setWasmPaths(dir);
    wasmPathsSet = true;
  }
  const customKernels = registerWasmKernels();
  await setBackendOrThrow("wasm");
  return { name: "wasm", tfBackend: tf.getBackend(), reason, customKernels };
}

async function activateCpu(reason: string): Promise<BackendInfo> {
  await setBackendOrThrow("cpu");
  silenceCpuNodeHint();
  return { name: "cpu", tfBackend: tf.getBackend(), reason, customKernels: [] };
}

async function setBackendOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`backend: tfjs could not activate "${name}"`);
  }
}

/**
 * The cpu backend logs "install tfjs-node" on its first write in Node. When cpu is chosen
 * (or used as a reference in tests) that hint is noise; `firstUse` is the flag it checks.
 */
export function silenceCpuNodeHint(): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu !== null) cpu.firstUse = false;
}
