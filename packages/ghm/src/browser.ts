/**
 * The platform-neutral entry (the `browser` and `default` conditions of the exports map):
 * everything except the file helpers, so a browser bundle pulls in no Node built-in.
 * src/index.ts (the `node` condition) adds src/node.ts to it.
 */
export * from "./grammar";
export * from "./rng";
export * from "./evidence";
export * from "./sample";
export * from "./grammarError";
export * from "./inputError";
export * from "./size";
export { MAX_VOCAB } from "./schema";
export * from "./format";
export * from "./randomProduct";
export * from "./randomRhm";
export * from "./randomDense";
export * from "./rhmImport";
export { gaussianEvidenceFromZ } from "./gaussianEvidence";
export * from "./uniformEvidence";
export * from "./noisyEvidence";
export * from "./sampleNoisy";
export * from "./fingerprint";
export * from "./evidenceJson";
