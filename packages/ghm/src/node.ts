/**
 * File helpers that need node:fs (the `@ghmkit/ghm/node` subpath): grammar files and
 * crash-safe writes. The Node entry (`@ghmkit/ghm` under the `node` condition) includes them.
 */
export * from "./io";
export * from "./atomic";
