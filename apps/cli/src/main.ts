#!/usr/bin/env node
import { run } from "./program";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ghm: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
