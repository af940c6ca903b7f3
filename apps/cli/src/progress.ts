import { SingleBar, Presets } from "cli-progress";
import { Console, OutputFlags } from "./output";

export interface Progress {
  update(done: number, info?: Record<string, string | number>): void;
  stop(): void;
}

/** A progress bar on an interactive terminal; silent with --quiet/--json or when piped. */
export function progress(con: Console, flags: OutputFlags, label: string, total: number): Progress {
  if (flags.quiet || flags.json || !con.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} {eta_formatted} {info}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  return {
    update(done, info) {
      const text = info ? Object.entries(info).map(([k, v]) => `${k}=${typeof v === "number" ? v.toPrecision(4) : v}`).join(" ") : "";
      bar.update(done, { info: text });
    },
    stop() {
      bar.stop();
    },
  };
}
