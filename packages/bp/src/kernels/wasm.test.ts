import * as fs from "node:fs";
import * as path from "node:path";
import { Rng, randomProductGrammar, randomRhm, sampleNoisy } from "@ghmkit/ghm";
import type { Evidence, Grammar } from "@ghmkit/ghm";
import { type BPResult, runBP } from "../run";
import { GEMM_WASM_BASE64 } from "./gemm_wasm";
import { LEVEL_WASM_BASE64 } from "./level_wasm";
import { RULES_WASM_BASE64 } from "./rules_wasm";
import { makeArena, setWasmKernels, wasmKernels } from "./wasm";

function evidence(g: Grammar, batch: number, sigma: number, seed: number): Evidence {
  return sampleNoisy(g, batch, { kind: "gaussian", alpha: 1, sigma }, { data: seed, noise: seed + 1 }).evidence;
}

function bits(r: BPResult): number[][] {
  return [r.logZ, r.root, ...r.marginals!, ...(r.up ?? []), ...(r.down ?? [])].map((a) => Array.from(a));
}

test("the committed wasm bytes are what wasm/*.wat compile to", async () => {
  const wabt = await (await import("wabt")).default();
  for (const [name, committed] of [
    ["gemm", GEMM_WASM_BASE64],
    ["level", LEVEL_WASM_BASE64],
    ["rules", RULES_WASM_BASE64],
  ]) {
    const wat = fs.readFileSync(path.join(__dirname, `../../wasm/${name}.wat`), "utf8");
    const mod = wabt.parseWat(`${name}.wat`, wat, { simd: true, bulk_memory: true });
    expect(Buffer.from(mod.toBinary({}).buffer).toString("base64")).toBe(committed);
  }
});

test("gemm: Y = X A on strided rows, every column remainder (8, 2, 1)", () => {
  const arena = makeArena(4096);
  if (!arena.kernels) return expect(wasmKernels()).toBe(false);
  const { gemm } = arena.kernels;
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
    gemm(X.byteOffset, ldx, A.byteOffset, Y.byteOffset, ldy, n, K, N);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < ldy; c++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += X[i * ldx + k] * A[k * N + c];
        // Same order of sums, no FMA: the same bits; the padding between rows untouched.
        expect(Y[i * ldy + c]).toBe(c < N ? s : -7);
      }
  }
});

test("runBP's wasm and JS kernels give the same bits (product and rules; m = 2, 3; odd S; extreme evidence; messages)", () => {
  expect(wasmKernels()).toBe(true);
  const cases: [Grammar, number][] = [
    [randomProductGrammar({ depth: 5, arity: 2, vocab: 16, seed: 1 }), 1],
    [randomProductGrammar({ depth: 4, arity: 2, vocab: [5, 7, 3, 9], classes: 6, scale: 4, seed: 2 }), 0.2],
    [randomProductGrammar({ depth: 3, arity: 3, vocab: 6, p: 1, scale: 6, seed: 3 }), 0.05],
    [randomRhm({ S: 32, classes: 32, k: 4, arity: 2, depth: 4, seed: 4 }), 1],
    [randomRhm({ S: 8, classes: 4, k: 3, arity: 2, depth: 4, seed: 5 }), 0.1],
    [randomRhm({ S: 6, classes: 6, k: 2, arity: 3, depth: 3, seed: 6 }), 0.5],
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

test("the block arena is sized for every batch, option and kernel kind (it throws when too small)", () => {
  const grammars = [
    randomProductGrammar({ depth: 4, arity: 2, vocab: 16, seed: 7 }),
    randomProductGrammar({ depth: 2, arity: 3, vocab: [3, 5], seed: 8 }),
    randomRhm({ S: 8, classes: 4, k: 3, arity: 2, depth: 3, seed: 9 }),
  ];
  for (const g of grammars)
    for (const batch of [1, 2, 7, 37, 64])
      for (const options of [{}, { messages: true }, { downward: false }]) {
        const ev = evidence(g, batch, 1, batch);
        expect(runBP(g, ev, options).logZ.every(Number.isFinite)).toBe(true);
      }
});
