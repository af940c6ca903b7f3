#!/usr/bin/env node
import { run } from "./program";

// `pnpm ghm ...` runs the root package's script in the repository root; file
// arguments are the caller's, so resolve them from where pnpm was invoked.
if (process.env.npm_lifecycle_event === "ghm" && process.env.INIT_CWD) {
  try {
    process.chdir(process.env.INIT_CWD);
  } catch {
    // The caller's directory is gone: stay in the repository root.
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ghm: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
