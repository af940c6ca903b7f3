export { runBP, messageBytesPerSequence } from "./run";
export type { BPOptions, BPResult } from "./run";
export { MAX_BP_BYTES } from "./check";
export { bruteForceBP, BRUTE_FORCE_MAX_TREES } from "./brute";
export type { BruteForceResult } from "./brute";
