import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireDirLock, DirLockedError, LOCK_FILE, type LockHolder, setTakeoverReporter } from "./dirLock";

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "ghm-lock-"));
const SRC = path.join(__dirname, "dirLock.ts");
const HOOK = path.join(__dirname, "..", "..", "..", "apps", "cli", "src", "testing", "swcRegister.cjs");

/** A child process that takes the lock of `dir`, says "locked" and waits. */
function lockingChild(dir: string) {
  const code = `const l = require(${JSON.stringify(SRC)}); l.acquireDirLock(${JSON.stringify(dir)}, "test holder"); process.stdout.write("locked\\n"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-r", HOOK, "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => b.toString().includes("locked") && resolve());
    child.on("exit", (c) => reject(new Error(`child exited ${c}`)));
  });
  return { child, ready };
}

describe("acquireDirLock", () => {
  const said: string[] = [];
  beforeAll(() => setTakeoverReporter((m) => said.push(m)));

  test("the lock file is complete JSON naming pid, host and start time; release removes it; re-entrant in one process", () => {
    const dir = tmp();
    const a = acquireDirLock(dir, "ghm train");
    const h = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")) as LockHolder;
    expect(h).toMatchObject({ format: "ghm-lock/v1", pid: process.pid, host: os.hostname(), command: "ghm train" });
    expect(Date.parse(h.startedAt)).toBeGreaterThan(0);
    const b = acquireDirLock(dir);
    b.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    a.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("a second writer (another process) is refused with DirLockedError naming the holder's pid and host; after kill -9 the stale lock is taken over, saying so", async () => {
    const dir = tmp();
    const c = lockingChild(dir);
    try {
      await c.ready;
      let err: unknown;
      try {
        acquireDirLock(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DirLockedError);
      expect((err as Error).name).toBe("DirLockedError");
      expect((err as Error).message).toContain(`pid ${c.child.pid} on host ${os.hostname()}`);
      expect((err as Error).message).toContain("test holder");
      c.child.kill("SIGKILL");
      await new Promise((r) => c.child.once("exit", r));
      const lock = acquireDirLock(dir);
      expect(lock.tookOver?.pid).toBe(c.child.pid);
      expect(lock.staleReason).toMatch(/is gone/);
      expect(said.at(-1)).toMatch(new RegExp(`took over the stale lock of .*\\(pid ${c.child.pid}`));
      lock.release();
    } finally {
      c.child.kill("SIGKILL");
    }
  }, 30_000);

  test("stale locks from a reboot or a reused pid are taken over; a lock from another host is refused with the file to delete", () => {
    const dir = tmp();
    const file = path.join(dir, LOCK_FILE);
    const base: LockHolder = {
      format: "ghm-lock/v1",
      pid: process.pid,
      host: os.hostname(),
      bootId: "another-boot",
      procStart: null,
      startedAt: "2020-01-01T00:00:00.000Z",
      command: "x",
      token: "t",
    };
    fs.writeFileSync(file, JSON.stringify(base));
    const l1 = acquireDirLock(dir);
    expect(l1.staleReason).toMatch(/rebooted/);
    l1.release();
    // Our own pid, but recorded with another start time: the pid was reused.
    fs.writeFileSync(file, JSON.stringify({ ...base, bootId: null, procStart: 1 }));
    const l2 = acquireDirLock(dir);
    expect(l2.staleReason).toMatch(/another process/);
    l2.release();
    fs.writeFileSync(file, JSON.stringify({ ...base, bootId: null, host: "elsewhere" }));
    expect(() => acquireDirLock(dir)).toThrow(new RegExp(`host elsewhere .*delete ${file.replace(/[.]/g, "\\.")}`));
    fs.writeFileSync(file, "garbage");
    expect(() => acquireDirLock(dir)).toThrow(/not a ghm-lock\/v1 file; delete it/);
  });

  test("many takers of one stale lock: exactly one gets it", async () => {
    const dir = tmp();
    const file = path.join(dir, LOCK_FILE);
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: "ghm-lock/v1",
        pid: 2 ** 22 + 7,
        host: os.hostname(),
        bootId: null,
        procStart: null,
        startedAt: "x",
        command: "gone",
        token: "t",
      }),
    );
    const code = `const l = require(${JSON.stringify(SRC)}); try { l.acquireDirLock(${JSON.stringify(dir)}); process.stdout.write("got"); setTimeout(() => {}, 1500); } catch (e) { process.stdout.write(e.name); }`;
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<string>((resolve) => {
          const c = spawn(process.execPath, ["-r", HOOK, "-e", code], { stdio: ["ignore", "pipe", "ignore"] });
          let out = "";
          c.stdout!.on("data", (b: Buffer) => (out += b.toString()));
          c.on("close", () => resolve(out));
        }),
    );
    const outs = await Promise.all(runs);
    expect(outs.filter((o) => o === "got")).toHaveLength(1);
    expect(outs.filter((o) => o === "DirLockedError")).toHaveLength(3);
  }, 30_000);
});
