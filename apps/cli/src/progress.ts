import { SingleBar, Presets } from "cli-progress";
import type { Console, OutputFlags } from "./output";

export interface Progress {
  update(done: number, info?: Record<string, string | number>): void;
  stop(): void;
}

/** Off a terminal (CI, nohup, `| tee`), one plain line at most this often. */
export const PLAIN_INTERVAL_MS = 10_000;

const infoText = (info?: Record<string, string | number>): string =>
  info
    ? Object.entries(info)
        .map(([k, v]) => `${k}=${typeof v === "number" ? v.toPrecision(4) : v}`)
        .join(" ")
    : "";

/**
 * Plain progress lines on stderr for long jobs off a terminal: nothing for the first
 * `intervalMs` (short commands stay quiet), then one line every `intervalMs`, and a
 * closing line when anything was printed.
 */
export function plainProgress(
  con: Console,
  label: string,
  total: number,
  intervalMs = PLAIN_INTERVAL_MS,
  now: () => number = Date.now,
  eta = true,
): Progress {
  const t0 = now();
  let last = t0;
  let printed = false;
  let state: { done: number; info?: Record<string, string | number> } = { done: 0 };
  const line = (): void => {
    last = now();
    printed = true;
    const text = infoText(state.info);
    const secs = (last - t0) / 1000;
    const rate = secs > 0 ? state.done / secs : 0;
    const etaText = eta && rate > 0 && state.done < total ? `, ETA ${duration((total - state.done) / rate)}` : "";
    con.err(
      `${label.trim()}: ${state.done}/${total} after ${duration(secs)} (${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)}/s${etaText})${text ? ` ${text}` : ""}`,
    );
  };
  // Long single steps (a job in a child process, a training run) still get a line per interval.
  const timer = setInterval(() => {
    if (now() - last >= intervalMs) line();
  }, intervalMs);
  timer.unref();
  return {
    update(done, info) {
      state = { done, info };
      if (now() - last >= intervalMs) line();
    },
    stop() {
      clearInterval(timer);
      if (printed) line();
    },
  };
}

/** 42 s, 3 min 5 s, 1 h 2 min. */
function duration(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/**
 * A progress bar on an interactive terminal, plain lines every ~10 s off one; silent with
 * --quiet/--json. `eta: false` where units differ in cost (experiment jobs run longest
 * first), so a rate-based ETA would mislead.
 */
export function progress(
  con: Console,
  flags: OutputFlags,
  label: string,
  total: number,
  o: { eta?: boolean } = {},
): Progress {
  if (flags.quiet || flags.json) return { update() {}, stop() {} };
  const eta = o.eta ?? true;
  if (!con.isTTY) return plainProgress(con, label, total, PLAIN_INTERVAL_MS, Date.now, eta);
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total}${eta ? " {eta_formatted}" : ""} {info}`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  return {
    update(done, info) {
      bar.update(done, { info: infoText(info) });
    },
    stop() {
      bar.stop();
    },
  };
}
