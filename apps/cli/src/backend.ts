import { Option } from "commander";
import {
  type BackendInfo,
  type BackendPreference,
  gemmFma,
  initBackend,
  kernelThreads,
  NODE_BACKENDS,
} from "@ghmkit/tensor";
import type { Console, OutputFlags } from "./output";

/** `--backend`, shared by every command that runs TensorFlow.js. */
export function backendOption(): Option {
  return new Option(
    "--backend <name>",
    `TensorFlow.js backend (default: GHM_BACKEND, else auto = ${NODE_BACKENDS.join(" > ")})`,
  ).choices(["auto", ...NODE_BACKENDS]);
}

/** Initialises the backend once; an unavailable choice is an InputError from tensor (exit 2). */
export async function useBackend(flag?: string): Promise<BackendInfo> {
  return initBackend(flag as BackendPreference | undefined);
}

/** Why this backend, in a few words: `wasm (tfjs-node not installed)`. The full reason is `info.reason`. */
export function shortBackend(info: BackendInfo): string {
  const r = info.reason;
  // Only tfjs-node's part of the reason says why it was passed over (tfjs-node-gpu is rarely there).
  const nodePart = r.includes("tfjs-node unavailable") ? r.slice(r.indexOf("tfjs-node unavailable")) : r;
  let why: string;
  if (/^requested via (.*)$/.test(r)) why = r.replace(/^requested via argument \/ /, "requested via ");
  else if (info.name === "node-gpu") why = "tfjs-node-gpu";
  else if (info.name === "node") why = "tfjs-node";
  else if (/can not be found|Cannot find module|not found/i.test(nodePart)) why = "tfjs-node not installed";
  else if (/tfjs-node unavailable/.test(r)) why = "tfjs-node failed to load";
  else why = r;
  if (info.name === "cpu" && /wasm failed/.test(r)) why += ", wasm failed";
  return `${info.name} (${why})`;
}

/** The one backend line on stderr (full reason with --verbose); nothing with --quiet or --json. */
export function announceBackend(con: Console, flags: OutputFlags, info: BackendInfo): void {
  if (flags.quiet || flags.json) return;
  // wasm's matrix products may share a big product across kernel threads (tensor's setKernelThreads)
  // and fuse their multiply-adds (setGemmFma): both change speed, the second also the bits.
  const products =
    info.name !== "wasm"
      ? []
      : [
          ...(kernelThreads() > 1 ? [`on up to ${kernelThreads()} threads`] : []),
          ...(gemmFma() ? ["with fused multiply-add"] : []),
        ];
  con.err(`backend: ${shortBackend(info)}${products.length ? `; matrix products ${products.join(", ")}` : ""}`);
  if (flags.verbose)
    con.err(`backend detail: ${info.reason}; custom kernels: ${info.customKernels.join(", ") || "none"}`);
}
