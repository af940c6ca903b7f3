import { Command, CommanderError, Help, type Option } from "commander";
import { isInputError } from "@ghmkit/ghm";
import { EXIT_USER_ERROR } from "./errors";
import { printError } from "./errorOutput";
import { environmentError, EXIT_ENVIRONMENT, resetRecovery } from "./envErrors";
import { setStdin } from "./io";
import { type Console, type OutputFlags, processConsole } from "./output";
import { commands } from "./commands";

/** What every command receives: where to print, and the global flags. */
export interface Context {
  con: Console;
  flags(cmd: Command): OutputFlags;
}

/** The version of @ghmkit/cli (its package.json sits one level above src/ and dist/). */
export function cliVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../package.json") as { version: string }).version;
}

export function buildProgram(con: Console): Command {
  const program = new Command("ghm")
    .description("ghmkit: generative hierarchical models, exact belief propagation, U-Nets and diffusion")
    .option("--json", "machine-readable output (one JSON document on stdout)")
    .option("-q, --quiet", "no progress and no human summary")
    .option("-v, --verbose", "more detail on stderr (e.g. why this TensorFlow.js backend)")
    .option("--debug", "on an internal error (exit 1), also print the stack trace")
    .option(
      "--plugin <module>",
      "load a module that registers architectures (export register(nets, tf)); repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .version(cliVersion(), "-V, --version", "print the version of ghm and exit")
    .exitOverride()
    .hook("preAction", async (_program, action) => {
      // Plugins register their architectures before any command builds or loads a model.
      const specs = (action.optsWithGlobals() as { plugin?: string[] }).plugin ?? [];
      // Loaded only when asked for: it imports nets and TensorFlow.js, which most commands never need.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (specs.length > 0) await (require("./plugins") as typeof import("./plugins")).loadPlugins(specs);
    });
  setStdin(con.stdin);

  // Commander's own error text is printed by run() as one line (and as JSON with --json).
  const output = {
    writeOut: (s: string) => con.out(s.trimEnd()),
    writeErr: (s: string) => con.err(s.trimEnd()),
    outputError: () => {},
  };
  // Help marks required options; defaults and choices are commander's.
  const helpConfig = {
    optionDescription(this: Help, opt: Option): string {
      const text = Help.prototype.optionDescription.call(this, opt);
      return opt.mandatory ? `${text} (required)` : text;
    },
  };
  program.configureOutput(output).configureHelp(helpConfig);
  const ctx: Context = {
    con,
    flags: (cmd) => {
      const o = cmd.optsWithGlobals() as OutputFlags;
      return { json: Boolean(o.json), quiet: Boolean(o.quiet), verbose: Boolean(o.verbose) };
    },
  };
  for (const register of commands) register(program, ctx);
  // exitOverride is not inherited by commands added after it was set on the parent.
  const override = (c: Command): void => {
    c.exitOverride();
    c.configureOutput(output).configureHelp(helpConfig);
    c.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the CLI and returns the exit code; never throws for user mistakes. */
export async function run(argv: string[], con: Console = processConsole): Promise<number> {
  const program = buildProgram(con);
  resetRecovery();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
        return 0;
      if (err.exitCode === 0) return 0;
      // Unknown option, bad argument...: commander's message, on one line.
      printError(con, argv, "usage", `${err.message.replace(/^error:\s*/, "")} (see --help)`);
      return EXIT_USER_ERROR;
    }
    // Exactly the errors every package throws for a mistake in the user's input (a bad
    // flag, file, size or config; a directory another ghm process is writing).
    if (isInputError(err)) {
      printError(con, argv, "invalid_input", err.message, err.field);
      return EXIT_USER_ERROR;
    }
    // Full disk, no permission, read-only, too many open files, a vanished directory: not a bug.
    const env = environmentError(err, argv);
    if (env !== null) {
      printError(con, argv, "environment", env);
      return EXIT_ENVIRONMENT;
    }
    const e = err as Error;
    // One line as every error; the stack trace only when asked for (--debug, or GHM_DEBUG=1).
    const debug = argv.includes("--debug") || Boolean(process.env.GHM_DEBUG);
    printError(
      con,
      argv,
      "internal",
      `internal error: ${e?.message ?? String(err)}${debug ? "" : " (a bug: please report it; --debug prints the stack trace)"}`,
    );
    if (debug) con.err(e?.stack ?? String(err));
    return 1;
  }
}
