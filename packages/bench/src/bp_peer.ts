/**
 * The PyTorch peer of `ghm bench bp`'s RHM case, run in the same run: BpRhm from a checkout
 * of AntonioScl/minimal_diffusion_rhm (MIT; never vendored here: the user points at a
 * checkout with GHM_PEER_RHM_DIR or benchBP's `peerDir`). A python3 that imports torch
 * (train_pytorch.ts's torchPython) loads its datasets/BP_utils.py, builds BpRhm from the
 * grammar's rules and times run_BP_from_upward_messages (upward, downward, every level's
 * marginals; float32, its own dtype) on the bench's evidence, one call per request, so that
 * its repetitions interleave with runBP's as numpy's do. Its marginals are checked against
 * runBP's, so that the rate is of the same computation.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { writeInputs } from "./bp_numpy";
import { LineProcess } from "./line_process";
import { torchPython } from "./train_pytorch";

const SCRIPT = `import json, sys, time, importlib.util
import numpy as np
import torch
peer, base = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("BP_utils", peer + "/datasets/BP_utils.py")
BP_utils = importlib.util.module_from_spec(spec)
spec.loader.exec_module(BP_utils)
meta = json.load(open(base + ".json"))
raw = np.fromfile(base + ".bin", dtype=np.float64)
L, m, vocab, B, k = meta["L"], meta["m"], meta["vocab"], meta["batch"], meta["k"][0]
pos = vocab[0]  # the root prior: uniform (checked by the caller), as BpRhm assumes
rules = {}
for l in range(L):
    S = vocab[l]
    rules[l] = torch.from_numpy(raw[pos:pos + S * k * m].reshape(S, k, m).astype(np.int64))
    pos += S * k * m + S * k  # children, then the rule probabilities (uniform, checked)
d = m ** L
e = raw[pos:pos + B * d * vocab[L]].reshape(B * d, vocab[L])
nu = torch.from_numpy(np.exp(e - e.max(-1, keepdims=True)).T.copy()).float()  # [v, B d], BpRhm's layout
bp = BP_utils.BpRhm(vocab[0], m, k, L, rules)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "quit":
        break
    if cmd == "check":
        marg = bp.run_BP_from_upward_messages(nu)
        n = meta["sample"]
        out = {"root": marg[0].T.reshape(-1).tolist(), "leaves": marg[L].T.reshape(-1)[:n].tolist()}
    else:
        c0 = time.process_time(); t0 = time.perf_counter()
        bp.run_BP_from_upward_messages(nu)
        out = {"ms": (time.perf_counter() - t0) * 1000, "cpuMs": (time.process_time() - c0) * 1000}
    print(json.dumps(out), flush=True)
`;

/** Where the peer's checkout is (options.peerDir, else GHM_PEER_RHM_DIR), or why it cannot run. */
export function peerDir(given?: string): { dir: string } | { skipped: string } {
  const dir = given ?? process.env.GHM_PEER_RHM_DIR;
  if (!dir)
    return {
      skipped:
        "no checkout of the peer given (set GHM_PEER_RHM_DIR to a clone of github.com/AntonioScl/minimal_diffusion_rhm)",
    };
  if (!existsSync(join(dir, "datasets", "BP_utils.py")))
    return { skipped: `${dir} has no datasets/BP_utils.py (GHM_PEER_RHM_DIR: a minimal_diffusion_rhm checkout)` };
  return { dir };
}

/** Why BpRhm cannot run this grammar (it assumes one vocabulary, k equiprobable rules per symbol, a uniform root), or null. */
export function peerUnsupported(g: Grammar): string | null {
  const S = g.vocab[0];
  if (g.vocab.some((v) => v !== S)) return "the levels' vocabularies differ (BpRhm has one, v)";
  if (g.root.some((p) => Math.abs(p - 1 / S) > 1e-12)) return "the root prior is not uniform (BpRhm's is)";
  let k = -1;
  for (const [i, lv] of g.levels.entries()) {
    if (lv.kind !== "rules") return `levels[${i}] is ${lv.kind} (BpRhm takes rules)`;
    for (const rs of lv.rules) {
      if (k < 0) k = rs.length;
      if (rs.length !== k || rs.some((r) => Math.abs(r.p - 1 / k) > 1e-12))
        return `levels[${i}] has parents with other than ${k} equiprobable rules (BpRhm's m synonyms)`;
    }
  }
  return null;
}

export interface PeerCheck {
  /** [batch, S] root marginals, and the first `sample` entries of the leaf marginals [batch, d, S]. */
  root: number[];
  leaves: number[];
}

export class PeerBpRhm {
  private constructor(
    private readonly proc: LineProcess,
    private readonly dir: string,
    readonly torch: string,
    /** torch's intra-op threads (its default here). */
    readonly threads: number,
  ) {}

  /** Starts the peer on this workload (rejects with the reason when it cannot). */
  static async start(peer: string, g: Grammar, ev: Evidence, sample = 64): Promise<PeerBpRhm> {
    const py = torchPython();
    if (typeof py === "string") throw new Error(py);
    const why = peerUnsupported(g);
    if (why !== null) throw new Error(why);
    const dir = mkdtempSync(join(tmpdir(), "ghm-bench-peer-"));
    const base = join(dir, "case");
    writeInputs(base, g, ev, sample);
    writeFileSync(join(dir, "peer.py"), SCRIPT);
    const proc = new LineProcess("the peer's BpRhm", py.python, [join(dir, "peer.py"), peer, base]);
    try {
      const ready = JSON.parse(await proc.next()) as { torch: string; threads: number };
      await proc.ask("run"); // warm-up
      return new PeerBpRhm(proc, dir, ready.torch, ready.threads);
    } catch (err) {
      proc.close("quit");
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** One timed call: upward, downward and every level's marginals over the whole batch. */
  async run(): Promise<{ ms: number; cpuMs: number }> {
    return JSON.parse(await this.proc.ask("run")) as { ms: number; cpuMs: number };
  }

  async check(): Promise<PeerCheck> {
    return JSON.parse(await this.proc.ask("check")) as PeerCheck;
  }

  close(): void {
    this.proc.close("quit");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
