// Helpers shared by several packages' tests; never published (private), so no tarball carries them.
export { fuzzRuns, fuzzTimeout } from "./fuzzRuns";
export { nodeImportsReachable, nodeOnlyNames } from "./entries";
