import * as fs from "node:fs";
import * as path from "node:path";
import { Rng, noisyEvidence, randomProductGrammar, sample } from "@ghmkit/ghm";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { type BPResult, runBP } from "../run";
import { GEMM_WASM_BASE64 } from "./gemm_wasm";
import { makeArena, setWasmKernels, wasmKernels } from "./wasm";

function evidence(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  const data = sample(g, batch, new Rng(seed));
  return noisyEvidence(
    data.x,
    batch,
    data.d,
    g.vocab[g.depth],
    { kind: "gaussian", alpha: 1, sigma },
    new Rng(seed + 1),
  ).evidence;
}

function bits(r: BPResult): number[][] {
  return [r.logZ, r.root, ...r.marginals!, ...(r.up ?? []), ...(r.down ?? [])].map((a) => Array.from(a));
}

test("the committed wasm bytes are what wasm/gemm.wat compiles to", async () => {
  const wabt = await (await import("wabt")).default();
  const wat = fs.readFileSync(path.join(__dirname, "../../wasm/gemm.wat"), "utf8");
  const bytes = Buffer.from(wabt.parseWat("gemm.wat", wat, { simd: true }).toBinary({}).buffer).toString("base64");
  expect(bytes).toBe(GEMM_WASM_BASE64);
});

test("gemm: Y = X A on strided rows, every column remainder (8, 2, 1)", () => {
  const arena = makeArena(4096);
  if (!arena.gemm) return expect(wasmKernels()).toBe(false);
  const rng = new Rng(3);
  for (const [n, K, N] of [
    [3, 16, 16],
    [2, 5, 11],
    [4, 7, 1],
    [1, 3, 2],
  ]) {
    const ldx = K + 3;
    const ldy = N + 2;
    const X = arena.f64(n * ldx);
    const A = arena.f64(K * N);
    const Y = arena.f64(n * ldy).fill(-7);
    for (let i = 0; i < X.length; i++) X[i] = rng.uniform();
    for (let i = 0; i < A.length; i++) A[i] = rng.uniform();
    arena.gemm(X.byteOffset, ldx, A.byteOffset, Y.byteOffset, ldy, n, K, N);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < ldy; c++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += X[i * ldx + k] * A[k * N + c];
        // Same order of sums, no FMA: the same bits; the padding between rows untouched.
        expect(Y[i * ldy + c]).toBe(c < N ? s : -7);
      }
  }
});

test("runBP's wasm and JS product kernels give the same bits (m = 2, 3; odd S; extreme evidence; messages)", () => {
  expect(wasmKernels()).toBe(true);
  const cases: [Grammar, number][] = [
    [randomProductGrammar({ depth: 5, arity: 2, vocab: 16, seed: 1 }), 1],
    [randomProductGrammar({ depth: 4, arity: 2, vocab: [5, 7, 3, 9], classes: 6, scale: 4, seed: 2 }), 0.2],
    [randomProductGrammar({ depth: 3, arity: 3, vocab: 6, p: 1, scale: 6, seed: 3 }), 0.05],
  ];
  for (const [g, sigma] of cases) {
    const ev = evidence(g, 9, sigma, 5);
    const wasm = runBP(g, ev, { messages: true });
    setWasmKernels(false);
    try {
      expect(bits(wasm)).toEqual(bits(runBP(g, ev, { messages: true })));
    } finally {
      setWasmKernels(true);
    }
  }
});
