/**
 * A reference implementation kept running in a child process (python3 with numpy or torch)
 * and asked one line at a time, so that the bench can time it in turns with its own code
 * instead of in one block before or after it (this VM's speed swings by a third).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export class LineProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffered = "";
  private readonly waiting: ((line: string) => void)[] = [];
  /** Lines that came before anyone asked for them. */
  private readonly unread: string[] = [];
  private failure: Error | null = null;
  private stderr = "";

  /** `name` says whose process it is in the error when it exits. */
  constructor(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(command, args, { stdio: "pipe", env });
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (s: string) => {
      this.buffered += s;
      for (let nl = this.buffered.indexOf("\n"); nl >= 0; nl = this.buffered.indexOf("\n")) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(line);
        else this.unread.push(line);
      }
    });
    this.proc.stderr.on("data", (s: Buffer) => {
      this.stderr += s.toString();
    });
    const fail = (why: string): void => {
      this.failure ??= new Error(`${name} ${why}: ${this.stderr.trim().slice(-500)}`);
      for (const w of this.waiting.splice(0)) w("");
    };
    this.proc.on("exit", (code) => fail(`exited (code ${code})`));
    this.proc.on("error", (err) => fail(`could not start (${err.message})`));
  }

  /** Writes one line and resolves with the process's next line of output. */
  ask(line: string): Promise<string> {
    const answer = this.next();
    if (!this.failure) this.proc.stdin.write(`${line}\n`);
    return answer;
  }

  /** The process's next line of output (one it writes unasked, such as "ready"). */
  next(): Promise<string> {
    const line = this.unread.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push((out) => (this.failure ? reject(this.failure) : resolve(out)));
    });
  }

  /** Sends `last` (the process's quit command) unless it has exited already. */
  close(last: string): void {
    if (!this.failure) this.proc.stdin.end(`${last}\n`);
  }
}
