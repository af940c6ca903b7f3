/**
 * Drives the numpy BP reference (bp_numpy_script.ts) from the bench: writes the grammar
 * and evidence to a temp folder, keeps one python3 process per workload and asks it for
 * one timed repetition at a time, so that the bench can interleave it with runBP.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { NUMPY_BP_SCRIPT } from "./bp_numpy_script";
import { LineProcess } from "./line_process";

export interface RefTiming {
  ms: number;
  cpuMs: number;
}

export interface RefCheck {
  /** [batch] log p(evidence) (null = -Infinity). */
  logZ: (number | null)[];
  /** Per level, the first `sample` entries of the flattened marginals [batch, nodes, S]. */
  marginals: number[][];
  /** Peak bytes numpy allocated during one call (tracemalloc). */
  peakBytes: number;
}

let available: string | null | undefined;

/** null when python3 with numpy runs here, else why not. */
export function numpyUnavailable(): string | null {
  if (available !== undefined) return available;
  const r = spawnSync("python3", ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" });
  available =
    r.status === 0 ? null : `python3 with numpy is not runnable here (${r.error?.message ?? r.stderr.trim()})`;
  return available;
}

/** Why this grammar has no numpy reference (dense kernels, rules with unequal counts), or null. */
export function numpyUnsupported(g: Grammar): string | null {
  for (const [i, lv] of g.levels.entries()) {
    if (lv.kind === "dense") return `levels[${i}] is dense (the numpy reference covers product and rules levels)`;
    if (lv.kind === "rules" && lv.rules.some((rs) => rs.length !== lv.rules[0].length))
      return `levels[${i}] has parents with different rule counts (the numpy reference needs k per parent)`;
  }
  return null;
}

export class NumpyBP {
  private readonly proc: LineProcess;
  private readonly dir: string;

  private constructor(g: Grammar, ev: Evidence, sample: number, threads: number | undefined) {
    this.dir = mkdtempSync(join(tmpdir(), "ghm-bench-bp-"));
    const base = join(this.dir, "case");
    writeInputs(base, g, ev, sample);
    writeFileSync(join(this.dir, "bp.py"), NUMPY_BP_SCRIPT);
    const env = { ...process.env };
    if (threads !== undefined)
      for (const k of ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"]) env[k] = String(threads);
    this.proc = new LineProcess("numpy BP reference", "python3", [join(this.dir, "bp.py"), base], env);
  }

  /**
   * A reference process for this workload; `sample` marginal entries per level come back
   * from check(). `threads` caps the BLAS threads (default: OpenBLAS's own, every core).
   */
  static start(g: Grammar, ev: Evidence, options: { sample?: number; threads?: number } = {}): NumpyBP {
    return new NumpyBP(g, ev, options.sample ?? 64, options.threads);
  }

  /** One timed call of the numpy BP (up + down + marginals over the whole batch). */
  async run(): Promise<RefTiming> {
    const r = JSON.parse(await this.proc.ask("run")) as RefTiming;
    return { ms: r.ms, cpuMs: r.cpuMs };
  }

  /** One untimed call that returns its results for the agreement check, and its peak memory. */
  async check(): Promise<RefCheck> {
    return JSON.parse(await this.proc.ask("check")) as RefCheck;
  }

  close(): void {
    this.proc.close("quit");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** case.json (shapes, kinds) and case.bin (pi, each level's arrays, evidence; float64). */
export function writeInputs(base: string, g: Grammar, ev: Evidence, sample: number): void {
  const parts: Float64Array[] = [g.root];
  const kinds: string[] = [];
  const k: number[] = [];
  for (const lv of g.levels) {
    kinds.push(lv.kind);
    if (lv.kind === "product") {
      parts.push(...lv.matrices);
      k.push(0);
    } else if (lv.kind === "rules") {
      const kk = lv.rules[0].length;
      const ch = new Float64Array(lv.rules.length * kk * g.arity);
      const p = new Float64Array(lv.rules.length * kk);
      lv.rules.forEach((rs, a) =>
        rs.forEach((r, i) => {
          p[a * kk + i] = r.p;
          r.children.forEach((b, j) => {
            ch[(a * kk + i) * g.arity + j] = b;
          });
        }),
      );
      parts.push(ch, p);
      k.push(kk);
    } else throw new Error("numpy BP reference: dense levels are not supported");
  }
  parts.push(ev.e);
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(`${base}.bin`, new Uint8Array(all.buffer));
  writeFileSync(
    `${base}.json`,
    JSON.stringify({ L: g.depth, m: g.arity, vocab: g.vocab, batch: ev.batch, kinds, k, sample }),
  );
}
