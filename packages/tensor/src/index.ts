export { tf, initBackend, backendInfo, wasmBinaryDir } from "./backend";
export type { BackendInfo, BackendName, BackendPreference } from "./backend";
