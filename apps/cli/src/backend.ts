import { Option } from "commander";
import { BackendInfo, BackendPreference, initBackend } from "@ghmkit/tensor";
import { UserError } from "./errors";

/** `--backend`, shared by every command that runs TensorFlow.js. */
export function backendOption(): Option {
  return new Option("--backend <name>", "TensorFlow.js backend (default: GHM_BACKEND, else node > wasm > cpu)").choices(["auto", "node", "wasm", "cpu"]);
}

/** Initialises the backend once; an unavailable choice is the user's to fix (exit 2). */
export async function useBackend(flag?: string): Promise<BackendInfo> {
  try {
    return await initBackend(flag as BackendPreference | undefined);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
