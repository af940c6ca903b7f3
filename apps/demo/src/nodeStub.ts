/**
 * Stand-in for node:fs, node:fs/promises and node:path in the browser bundle (see
 * vite.config.mts). Package files import them only for Node-only helpers that the
 * page never calls (grammar files on disk, the fs model handler); a call by mistake
 * fails loudly here instead of deep inside a polyfill. The names are the ones those
 * files use, so the bundler can check every import.
 */
function unavailable(): never {
  throw new Error(
    "Node file-system helpers are not available in the browser demo; load files through the page's file pickers",
  );
}

export const readFileSync = unavailable;
export const writeFileSync = unavailable;
export const renameSync = unavailable;
export const rmSync = unavailable;
export const openSync = unavailable;
export const closeSync = unavailable;
export const fsyncSync = unavailable;
export const join = unavailable;
export const dirname = unavailable;
export const basename = unavailable;
export const resolve = unavailable;
export const sep = "/";

export default {
  readFileSync,
  writeFileSync,
  renameSync,
  rmSync,
  openSync,
  closeSync,
  fsyncSync,
  join,
  dirname,
  basename,
  resolve,
  sep,
};
