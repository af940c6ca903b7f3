import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomProductGrammar, randomRhm } from "@ghmkit/ghm";
import { evidenceFor } from "./bp_common";
import { PeerBpRhm, peerDir, peerUnsupported } from "./bp_peer";
import { torchPython } from "./train_pytorch";

/**
 * A stand-in for the peer's datasets/BP_utils.py with its constructor and entry point: its
 * "marginals" echo what the driver handed over (rule children at the root, the leaf
 * messages at the leaves), so the test can check the layouts without the peer itself.
 */
const FAKE_BP_UTILS = `import torch
class BpRhm:
    def __init__(self, v, s, m, L, rules, device="cpu"):
        self.v, self.s, self.m, self.L, self.rules = v, s, m, L, rules
    def run_BP_from_upward_messages(self, nu_up_L):
        B = nu_up_L.shape[1] // self.s ** self.L
        root = self.rules[0][:, 0, :1].float().repeat(1, B) + 1000 * self.s + 100 * self.m
        return {0: root, self.L: nu_up_L / nu_up_L.sum(0, keepdim=True)}
`;

describe("the PyTorch peer's BpRhm", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ghm-peer-test-"));
    mkdirSync(join(dir, "datasets"));
    writeFileSync(join(dir, "datasets", "BP_utils.py"), FAKE_BP_UTILS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("peerDir takes the option, else GHM_PEER_RHM_DIR, and says what is missing", () => {
    const was = process.env.GHM_PEER_RHM_DIR;
    try {
      delete process.env.GHM_PEER_RHM_DIR;
      expect(peerDir()).toEqual({ skipped: expect.stringMatching(/set GHM_PEER_RHM_DIR/) });
      expect(peerDir("/nonexistent")).toEqual({ skipped: expect.stringMatching(/no datasets\/BP_utils.py/) });
      expect(peerDir(dir)).toEqual({ dir });
      process.env.GHM_PEER_RHM_DIR = dir;
      expect(peerDir()).toEqual({ dir });
    } finally {
      if (was === undefined) delete process.env.GHM_PEER_RHM_DIR;
      else process.env.GHM_PEER_RHM_DIR = was;
    }
  });

  test("peerUnsupported accepts the bench's RHM and names what BpRhm cannot take", () => {
    expect(peerUnsupported(randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 }))).toBeNull();
    expect(peerUnsupported(randomProductGrammar({ depth: 2, arity: 2, vocab: 4, seed: 1 }))).toMatch(/is product/);
    expect(peerUnsupported(randomRhm({ S: 8, classes: 4, k: 2, arity: 2, depth: 3, seed: 1 }))).toMatch(
      /vocabularies differ/,
    );
    const g = randomRhm({ S: 8, classes: 8, k: 2, arity: 2, depth: 3, seed: 1 });
    const tilted = { ...g, root: g.root.map((_, i) => (i === 0 ? 0.5 : 0.5 / (g.root.length - 1))) };
    expect(peerUnsupported(tilted)).toMatch(/root prior is not uniform/);
  });

  test("the driver hands BpRhm the rules and the leaf messages in its layouts, and times its calls", async () => {
    const g = randomRhm({ S: 6, classes: 6, k: 3, arity: 2, depth: 3, seed: 2 });
    const ev = evidenceFor(g, 5, 1, 3);
    if (typeof torchPython() === "string") {
      await expect(PeerBpRhm.start(dir, g, ev)).rejects.toThrow(/no python3 here imports torch/);
      return;
    }
    const peer = await PeerBpRhm.start(dir, g, ev, 20);
    try {
      const c = await peer.check();
      // Root [batch, S]: parent a's first rule's first child, plus 1000 s + 100 m (arity 2, k = 3).
      expect(c.root).toHaveLength(5 * 6);
      for (let b = 0; b < 5; b++)
        for (let a = 0; a < 6; a++) {
          const lv = g.levels[0];
          if (lv.kind !== "rules") throw new Error("rules expected");
          expect(c.root[b * 6 + a]).toBe(lv.rules[a][0].children[0] + 2300);
        }
      // Leaves [batch, d, S]: each leaf's own evidence, normalised (float32).
      expect(c.leaves).toHaveLength(20);
      for (let n = 0; n < 20 / 6; n++) {
        const row = Array.from(ev.e.subarray(n * 6, n * 6 + 6));
        const mx = Math.max(...row);
        const w = row.map((x) => Math.exp(x - mx));
        const z = w.reduce((s, x) => s + x);
        for (let s = 0; s < 6 && n * 6 + s < 20; s++) expect(c.leaves[n * 6 + s]).toBeCloseTo(w[s] / z, 6);
      }
      const t = await peer.run();
      expect(t.ms).toBeGreaterThan(0);
      expect(t.cpuMs).toBeGreaterThanOrEqual(0);
      expect(peer.threads).toBeGreaterThanOrEqual(1);
    } finally {
      peer.close();
    }
  }, 60_000);
});
