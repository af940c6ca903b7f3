/**
 * `--plugin MODULE`: a user's module that registers architectures (nets'
 * registerArchitecture) before the command runs, so `--arch NAME`, `ghm eval --model`
 * and `ghm diffuse --denoiser` work with them. The contract (README "Plug-in
 * architectures"): the module, ESM or CommonJS, exports `register(nets, tf)`; the CLI
 * calls it with its own @ghmkit/nets and TensorFlow.js, so a plugin file anywhere
 * registers into the registry the CLI builds from (no second copy of nets or tfjs).
 * Saved models record MODULE as given, and loading one without it names it.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { isInputError } from "@ghmkit/ghm";
import * as nets from "@ghmkit/nets";
import { tf } from "@ghmkit/tensor";
import { UserError } from "./errors";

/** What a plugin module exports. */
export interface PluginModule {
  register(netsModule: typeof nets, tfModule: typeof tf): unknown;
}

const loaded = new Set<string>();

// A real dynamic import (ESM or CommonJS plugins alike): the CLI is compiled to CommonJS,
// where TypeScript or a require hook would otherwise turn import() into require().
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<Record<string, unknown>>;

/** A file path (./x.js, /abs/x.mjs, x.cjs) or a package name resolved from the working directory. */
function resolvePlugin(spec: string): string {
  const looksLikePath = /^[./]/.test(spec) || /\.[cm]?js$/.test(spec) || path.isAbsolute(spec);
  if (looksLikePath) {
    const file = path.resolve(spec);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile())
      throw new UserError(`--plugin ${spec}: no such file`, "--plugin", "give the path of the plugin's .js file");
    return file;
  }
  try {
    return createRequire(path.join(process.cwd(), "noop.js")).resolve(spec);
  } catch {
    throw new UserError(
      `--plugin ${spec}: no such file, and no package ${spec} installed here`,
      "--plugin",
      "give a path (./my-arch.js) or install the package",
    );
  }
}

/** Loads each plugin once, in order, recording it as the source of what it registers. */
export async function loadPlugins(specs: readonly string[]): Promise<void> {
  for (const spec of specs) {
    if (loaded.has(spec)) continue;
    const file = resolvePlugin(spec);
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(pathToFileURL(file).href);
    } catch (err) {
      throw new UserError(
        `--plugin ${spec}: the module failed to load: ${err instanceof Error ? err.message : String(err)}`,
        "--plugin",
      );
    }
    const def = mod.default as Record<string, unknown> | undefined;
    const register = (mod.register ?? def?.register) as PluginModule["register"] | undefined;
    if (typeof register !== "function")
      throw new UserError(
        `--plugin ${spec}: the module exports no register function`,
        "--plugin",
        "export function register(nets, tf) { nets.registerArchitecture(...) }",
      );
    try {
      await nets.registeringFrom(spec, () => register(nets, tf));
    } catch (err) {
      // The plugin's code is the user's: its failure is theirs to fix, not a ghm bug.
      if (err instanceof UserError || isInputError(err)) throw err;
      throw new UserError(
        `--plugin ${spec}: register(nets, tf) failed: ${err instanceof Error ? err.message : String(err)}`,
        "--plugin",
      );
    }

    loaded.add(spec);
  }
}
