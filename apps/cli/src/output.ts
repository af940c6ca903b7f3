import { fmt } from "@ghmkit/experiments";
/** Where a command writes: the CLI binds these to the process, tests capture them. */
export interface Console {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bars only then). */
  isTTY: boolean;
  /** Reads all of stdin (for file arguments given as `-`); the process's fd 0 when absent. */
  stdin?: () => string;
}

/** A closed pipe (`ghm ... | head`) ends output quietly instead of crashing with EPIPE. */
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
}

export const processConsole: Console = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Global output flags every command honours. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Prints a result: one JSON document with --json, else the human text. */
export function report(con: Console, flags: OutputFlags, value: unknown, human: () => string): void {
  if (flags.json) con.out(JSON.stringify(value));
  else if (!flags.quiet) con.out(human());
}

/**
 * Prints a command's summary after it wrote its main output to `outFile`: as `report`,
 * except that with `--out -` stdout carries the data, so the human summary goes to
 * stderr and the --json summary is left out.
 */
export function reportAfterWrite(
  con: Console,
  flags: OutputFlags,
  outFile: string | undefined,
  value: unknown,
  human: () => string,
): void {
  if (outFile !== "-") {
    report(con, flags, value, human);
    return;
  }
  if (!flags.quiet && !flags.json) con.err(human());
}

/** Formats rows as an aligned text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, j) => String(c ?? "").padEnd(widths[j]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export { fmt } from "@ghmkit/experiments";
