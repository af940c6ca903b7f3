/**
 * Runs the `ghm` CLI from its TypeScript sources in a child Node process (no build),
 * through the swc require hook in swcRegister.cjs: for tests that need a real
 * process (signals, crashes). Output is captured; the child inherits the env.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

const HOOK = path.join(__dirname, "swcRegister.cjs");
const MAIN = path.join(__dirname, "..", "main.ts");

export interface ChildRun {
  child: ChildProcess;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}

export function spawnGhm(args: string[], env: NodeJS.ProcessEnv = {}): ChildRun {
  const child = spawn(process.execPath, ["-r", HOOK, MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, out, err }));
    },
  );
  return { child, done };
}

/** Spawns and waits. */
export function runGhm(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnGhm(args, env).done;
}
