/**
 * The BP pass itself over rows [start, end) of a batch (SPEC.md section 3), writing
 * into caller-allocated outputs. Rows are processed in small blocks; within a block
 * every level is one pass over contiguous memory, in the exp domain of
 * kernels/messages.ts (each node scaled to max 1, the scales summed into logZ, exact
 * logs kept only for entries below TINY). Marginals come straight from the products
 * v * w; log-domain messages are written only when asked for. Every row is computed
 * on its own, so any split of the rows (the worker pool's) gives bit-identical results.
 */
import type { Evidence } from "@ghmkit/ghm";
import type { CompiledGrammar, ProductLevel } from "./compile";
import { LOW, TINY, logAt, logSumExp } from "./logspace";
import { denseDownLevel, denseUpLevel } from "./kernels/dense";
import { EXP_TABLE, expNonPositive } from "./kernels/exp";
import { type ExpMessages, writeLogs } from "./kernels/messages";
import { type WasmLevel, productDownLevel, productUpLevel } from "./kernels/product";
import { type RulesArrays, type RulesWasm, rulesDownLevel, rulesUpLevel } from "./kernels/rules";
import { type Scratch, fillRange, makeScratch } from "./kernels/scratch";
import { type WasmKernels, makeArena, wasmKernels } from "./kernels/wasm";

const { exp, log } = Math;
const NEG_INF = -Infinity;

/** The arrays one call fills, each [batch, ...]; see BPResult. */
export interface BPOutputs {
  logZ: Float64Array;
  impossible: Uint8Array;
  root: Float64Array;
  up?: Float64Array[];
  down?: Float64Array[];
  marginals?: Float64Array[];
}

/** Floats of block scratch to aim for (~1 MiB: a block's levels stay in cache between passes). */
const BLOCK_FLOATS = 2 ** 17;

/** Block-local messages; index ((row - b0) * m^l + i) * S_l. */
export interface Block {
  rows: number;
  up: ExpMessages[];
  down: ExpMessages[];
  /** t = exp(q) of product levels, [rows * m^l, S_{l-1}] (empty for other kinds). */
  t: Float64Array[];
  /** Product levels on the wasm path: the downward pass's parent-side weights X, same shape as t, and their max per child. */
  x: Float64Array[];
  xmax: Float64Array[];
  /** Product levels on the wasm path: each child's down-sum max (with 0). */
  ymax: Float64Array[];
  /** Product levels on the wasm path: M_j and its transpose, copied into the arena (empty otherwise). */
  M: Float64Array[][];
  MT: Float64Array[][];
  /** On the wasm path: per node or child of a block level, the fused kernels' maxima and flags; one level's evidence or marginals. */
  nodeMax: Float64Array;
  flags: Int32Array;
  marg: Float64Array;
  /** On the wasm path: exp.ts's EXP_TABLE, for the leaves kernel. */
  expTable: Float64Array;
  /** On the wasm path: [1], the parent-side weight every rules child is scaled against. */
  one: Float64Array;
  /** Rules levels with m = 2 on the wasm path: start, slot and p copied into the arena (null otherwise). */
  rules: (RulesArrays | null)[];
  /** Per level, the wasm views the level kernels take (null on the JS path or for other kinds), made once. */
  productWasm: (WasmLevel | null)[];
  rulesWasm: (RulesWasm | null)[];
  /** The wasm kernels over the arena, or null (JS kernels). */
  kernels: WasmKernels | null;
}

function makeBlock(cg: CompiledGrammar, batch: number, downward: boolean): Block {
  const { L, nodes, vocab, m } = cg;
  const isProduct = (l: number): boolean => l >= 1 && cg.levels[l - 1].kind === "product";
  const wasm = wasmKernels();
  let perRow = 0;
  // Per node: up and down v and ul; t (and X on the wasm path) for product levels; xmax and ymax on the wasm path.
  for (let l = 0; l <= L; l++) {
    const wide = isProduct(l) ? vocab[l - 1] * (wasm && downward ? 2 : 1) : 0;
    perRow += nodes[l] * (vocab[l] * (downward ? 4 : 2) + wide + (wasm ? 2 : 0));
  }
  // The fused kernels' per-node maxima and flags, and one level's marginals (wasm path).
  const maxNodes = nodes[L];
  let maxLevel = 0;
  for (let l = 0; l <= L; l++) maxLevel = Math.max(maxLevel, nodes[l] * vocab[l]);
  if (wasm) perRow += 2 * maxNodes + maxLevel;
  const rows = Math.max(1, Math.min(batch, Math.floor(BLOCK_FLOATS / perRow)));
  let floats = rows * perRow + 2 * (L + 1) * 8 + 8 + 34;
  for (let l = 1; l <= L; l++) {
    const lv = cg.levels[l - 1];
    if (lv.kind === "product") floats += 2 * m * (vocab[l - 1] * vocab[l] + 2);
    if (lv.kind === "rules") floats += lv.start.length / 2 + lv.slot.length / 2 + lv.p.length + 6;
  }
  const arena = makeArena(floats);
  const f64 = (n: number): Float64Array => (n > 0 ? arena.f64(n) : new Float64Array(0));
  const msgs = (on: boolean): ExpMessages[] =>
    vocab.map((S, l) => ({ v: f64(on ? rows * nodes[l] * S : 0), ul: f64(on ? rows * nodes[l] * S : 0) }));
  const perLevel = (on: (l: number) => boolean, size: (l: number) => number): Float64Array[] =>
    vocab.map((_, l) => f64(on(l) ? size(l) : 0));
  const kernels = arena.kernels;
  const productWasm = (l: number): boolean => kernels !== null && isProduct(l);
  const arenaCopy = (a: Float64Array): Float64Array => {
    const copy = f64(a.length);
    copy.set(a);
    return copy;
  };
  const matrices = (pick: (lv: ProductLevel) => Float64Array[]): Float64Array[][] =>
    vocab.map((_, l) => {
      if (!productWasm(l)) return [];
      return pick(cg.levels[l - 1] as ProductLevel).map(arenaCopy);
    });
  const blk: Block = {
    rows,
    up: msgs(true),
    down: msgs(downward),
    t: perLevel(isProduct, (l) => rows * nodes[l] * vocab[l - 1]),
    x: perLevel(
      (l) => downward && productWasm(l),
      (l) => rows * nodes[l] * vocab[l - 1],
    ),
    xmax: perLevel(
      (l) => downward && productWasm(l),
      (l) => rows * nodes[l],
    ),
    ymax: perLevel(
      (l) => downward && productWasm(l),
      (l) => rows * nodes[l],
    ),
    nodeMax: f64(kernels ? rows * maxNodes : 0),
    flags: kernels ? arena.i32(rows * maxNodes) : new Int32Array(0),
    marg: f64(kernels ? rows * maxLevel : 0),
    one: f64(kernels ? 1 : 0).fill(1),
    expTable: kernels ? arenaCopy(EXP_TABLE) : EXP_TABLE,
    M: matrices((lv) => lv.M),
    MT: matrices((lv) => lv.MT),
    rules: vocab.map((_, l) => {
      const lv = cg.levels[l - 1];
      if (!kernels || l === 0 || lv.kind !== "rules" || lv.m !== 2) return null;
      const start = arena.i32(lv.start.length);
      const slot = arena.i32(lv.slot.length);
      const p = arena.f64(lv.p.length);
      start.set(lv.start);
      slot.set(lv.slot);
      p.set(lv.p);
      return { start, slot, p };
    }),
    kernels,
    productWasm: [],
    rulesWasm: [],
  };
  blk.productWasm = vocab.map((_, l) => wasmLevel(blk, l));
  blk.rulesWasm = vocab.map((_, l) => rulesWasm(blk, l));
  return blk;
}

function wasmLevel(blk: Block, l: number): WasmLevel | null {
  if (!blk.kernels || blk.M[l].length === 0) return null;
  const { M, MT, x, xmax, ymax, nodeMax, flags } = blk;
  return { k: blk.kernels, M: M[l], MT: MT[l], x: x[l], xmax: xmax[l], ymax: ymax[l], nodeMax, flags };
}

function rulesWasm(blk: Block, l: number): RulesWasm | null {
  const arrays = blk.rules[l];
  const { kernels, nodeMax, flags, one } = blk;
  return kernels && arrays ? { ...arrays, k: kernels, nodeMax, flags, one } : null;
}

/**
 * BP over rows [start, end) into out (rows outside are left alone). ev.e may hold only
 * rows from evRow0 on (a pool worker gets just its own share).
 */
export function runRows(
  cg: CompiledGrammar,
  ev: Evidence,
  start: number,
  end: number,
  out: BPOutputs,
  evRow0 = 0,
): void {
  const { L, vocab, nodes } = cg;
  const { logZ, impossible, root, up, down, marginals } = out;
  const downward = marginals !== undefined;
  const batch = end - start;
  if (batch <= 0) return;
  const blk = makeBlock(cg, batch, downward);
  const s = makeScratch(cg);
  const prior = priorMessage(cg);

  for (let b0 = start; b0 < end; b0 += blk.rows) {
    const rows = Math.min(end, b0 + blk.rows) - b0;
    leaves(cg, ev.e, evRow0, b0, rows, blk, logZ, up);
    for (let l = L; l >= 1; l--) {
      const lv = cg.levels[l - 1];
      const Np = nodes[l - 1];
      if (lv.kind === "product")
        productUpLevel(lv, rows, Np, blk.up[l], blk.up[l - 1], blk.t[l], logZ, b0, s, blk.productWasm[l]);
      else if (lv.kind === "rules") rulesUpLevel(lv, rows, Np, blk.up[l], blk.up[l - 1], logZ, b0, s, blk.rulesWasm[l]);
      else denseUpLevel(lv, rows, Np, blk.up[l], blk.up[l - 1], logZ, b0, s);
    }
    rootPosterior(cg, b0, rows, blk.up[0], logZ, impossible, root, s);
    if (up)
      for (let l = 0; l < L; l++) writeLogs(blk.up[l], 0, rows * nodes[l] * vocab[l], up[l], b0 * nodes[l] * vocab[l]);
    if (!marginals) continue;
    downwardPass(cg, b0, rows, blk, prior, impossible, s);
    for (let l = 0; l <= L; l++) {
      const n = nodes[l] * vocab[l];
      if (l === 0) marginals[0].set(root.subarray(b0 * n, (b0 + rows) * n), b0 * n);
      else if (blk.kernels && vocab[l] % 2 === 0)
        fusedMarginals(blk, l, rows, nodes[l], vocab[l], impossible, b0, marginals[l], s);
      else levelMarginals(blk.up[l], blk.down[l], rows, nodes[l], vocab[l], impossible, b0, marginals[l], s);
      if (!down) continue;
      for (let r = 0; r < rows; r++) {
        if (impossible[b0 + r]) fillRange(down[l], (b0 + r) * n, n, NEG_INF);
        else writeLogs(blk.down[l], r * n, n, down[l], (b0 + r) * n);
      }
    }
  }
}

/** The root's down message pi scaled to max 1 (one node, copied per row). */
function priorMessage(cg: CompiledGrammar): ExpMessages {
  const C = cg.vocab[0];
  let mx = 0;
  for (let a = 0; a < C; a++) if (cg.pi[a] > mx) mx = cg.pi[a];
  const lmx = log(mx);
  const v = new Float64Array(C);
  const ul = new Float64Array(C);
  for (let a = 0; a < C; a++) {
    v[a] = cg.pi[a] / mx;
    ul[a] = cg.logPi[a] - lmx;
  }
  return { v, ul };
}

/**
 * Leaf messages exp(e - max) per leaf (shift into logZ), exact logs kept for every entry,
 * and the log-domain messages when asked for. On the wasm path (even S) through the
 * leaves kernel on a copy of the block's evidence; exp.ts gives the JS path its bits.
 */
function leaves(
  cg: CompiledGrammar,
  e: Float64Array,
  evRow0: number,
  b0: number,
  rows: number,
  blk: Block,
  logZ: Float64Array,
  up: Float64Array[] | undefined,
): void {
  const d = cg.nodes[cg.L];
  const S = cg.vocab[cg.L];
  const { v, ul } = blk.up[cg.L];
  const n = d * S;
  const e0 = (b0 - evRow0) * n;
  if (blk.kernels && S % 2 === 0) {
    const { marg, nodeMax } = blk;
    marg.set(e.subarray(e0, e0 + rows * n));
    blk.kernels.leaves(
      marg.byteOffset,
      v.byteOffset,
      ul.byteOffset,
      nodeMax.byteOffset,
      rows * d,
      S,
      blk.expTable.byteOffset,
    );
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let i = 0; i < d; i++) z += nodeMax[r * d + i];
      logZ[b0 + r] = z;
    }
    if (up) up[cg.L].set(ul.subarray(0, rows * n), b0 * n);
    return;
  }
  const u = up ? up[cg.L] : null;
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let i = 0; i < d; i++) {
      const off = (r * d + i) * S;
      const src = b0 * n + off;
      const es = e0 + off;
      // The max in two interleaved halves, as the SIMD kernel takes it (the same signed zeros).
      let m0 = NEG_INF;
      let m1 = NEG_INF;
      for (let k = 0; k < S; k += 2) if (e[es + k] > m0) m0 = e[es + k];
      for (let k = 1; k < S; k += 2) if (e[es + k] > m1) m1 = e[es + k];
      // biome-ignore lint/complexity/useMathMinMax: the SIMD kernel's pmax (Math.max orders signed zeros differently)
      const mx = m0 < m1 ? m1 : m0;
      z += mx;
      for (let k = 0; k < S; k++) {
        // An all -Infinity leaf (impossible row) becomes zeros with log -Infinity.
        const x = mx === NEG_INF ? NEG_INF : e[es + k] - mx;
        v[off + k] = expNonPositive(x);
        ul[off + k] = x;
        if (u) u[src + k] = x;
      }
    }
    logZ[b0 + r] = z;
  }
}

/** log sum_a pi(a) exp(u_0(a)) into logZ, P(y | obs) into root; flags impossible rows. */
function rootPosterior(
  cg: CompiledGrammar,
  b0: number,
  rows: number,
  u0: ExpMessages,
  logZ: Float64Array,
  impossible: Uint8Array,
  root: Float64Array,
  s: Scratch,
): void {
  const C = cg.vocab[0];
  const pi = cg.pi;
  const tmp = s.terms;
  for (let r = 0; r < rows; r++) {
    const row = b0 + r;
    const off = row * C;
    impossible[row] = 0;
    let sum = 0;
    for (let a = 0; a < C; a++) {
      const p = pi[a] * u0.v[r * C + a];
      root[off + a] = p;
      sum += p;
    }
    if (sum >= TINY) {
      logZ[row] += log(sum);
      const inv = 1 / sum;
      for (let a = 0; a < C; a++) root[off + a] *= inv;
      continue;
    }
    for (let a = 0; a < C; a++) tmp[a] = cg.logPi[a] + logAt(u0.v, u0.ul, r * C + a);
    logZ[row] += logSumExp(tmp, 0, C);
    if (logZ[row] === NEG_INF) {
      impossible[row] = 1;
      for (let a = 0; a < C; a++) root[off + a] = 0;
      continue;
    }
    softmax(tmp, C, root, off);
  }
}

/**
 * out[off..off+n) = the distribution ∝ exp(z), zeros when every z is -Infinity.
 * Normalised by the sum of the exps, not by exp(z - logsumexp): at |z| ~ 1e306 the
 * log of the sum is absorbed and would leave weights summing to more than 1.
 */
function softmax(z: Float64Array, n: number, out: Float64Array, off: number): void {
  let mx = NEG_INF;
  for (let k = 0; k < n; k++) if (z[k] > mx) mx = z[k];
  if (mx === NEG_INF) {
    for (let k = 0; k < n; k++) out[off + k] = 0;
    return;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const p = exp(z[k] - mx);
    out[off + k] = p;
    sum += p;
  }
  const inv = 1 / sum;
  for (let k = 0; k < n; k++) out[off + k] *= inv;
}

function downwardPass(
  cg: CompiledGrammar,
  b0: number,
  rows: number,
  blk: Block,
  prior: ExpMessages,
  impossible: Uint8Array,
  s: Scratch,
): void {
  const { L, nodes } = cg;
  const C = cg.vocab[0];
  for (let r = 0; r < rows; r++) {
    blk.down[0].v.set(prior.v, r * C);
    blk.down[0].ul.set(prior.ul, r * C);
  }
  for (let l = 1; l <= L; l++) {
    const lv = cg.levels[l - 1];
    const Np = nodes[l - 1];
    const p = blk.down[l - 1];
    const c = blk.up[l];
    const out = blk.down[l];
    if (lv.kind === "product")
      productDownLevel(lv, rows, Np, b0, impossible, p, blk.t[l], c, out, s, blk.productWasm[l]);
    else if (lv.kind === "rules") rulesDownLevel(lv, rows, Np, b0, impossible, p, c, out, s, blk.rulesWasm[l]);
    else denseDownLevel(lv, rows, Np, b0, impossible, p, c, out, s);
  }
}

/**
 * P(x = s | obs) ∝ exp(u(s) + w(s)) = v(s) w(s) per node of a block level, into the
 * global out (rows b0..); in the log domain when every product is below LOW. The sum
 * runs in two interleaved halves (even and odd k), the order of the SIMD kernel.
 */
function levelMarginals(
  u: ExpMessages,
  w: ExpMessages,
  rows: number,
  N: number,
  S: number,
  impossible: Uint8Array,
  b0: number,
  out: Float64Array,
  s: Scratch,
): void {
  const vu = u.v;
  const vw = w.v;
  for (let r = 0; r < rows; r++) {
    if (impossible[b0 + r]) {
      out.fill(0, (b0 + r) * N * S, (b0 + r + 1) * N * S);
      continue;
    }
    for (let i = 0; i < N; i++) {
      const off = (r * N + i) * S;
      const o = b0 * N * S + off;
      let mx = 0;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < S; k++) {
        const z = vu[off + k] * vw[off + k];
        out[o + k] = z;
        if (k % 2 === 0) s0 += z;
        else s1 += z;
        if (z > mx) mx = z;
      }
      if (mx >= LOW) {
        const inv = 1 / (s0 + s1);
        for (let k = 0; k < S; k++) out[o + k] *= inv;
        continue;
      }
      logMarginal(u, w, off, S, out, o, s);
    }
  }
}

/** levelMarginals through the wasm kernel (even S): one block level at a time, copied out. */
function fusedMarginals(
  blk: Block,
  l: number,
  rows: number,
  N: number,
  S: number,
  impossible: Uint8Array,
  b0: number,
  out: Float64Array,
  s: Scratch,
): void {
  const u = blk.up[l];
  const w = blk.down[l];
  const { marg, flags } = blk;
  const n = N * S;
  blk.kernels!.marginals(u.v.byteOffset, w.v.byteOffset, marg.byteOffset, flags.byteOffset, rows * N, S);
  out.set(marg.subarray(0, rows * n), b0 * n);
  for (let r = 0; r < rows; r++) {
    const o = (b0 + r) * n;
    if (impossible[b0 + r]) {
      out.fill(0, o, o + n);
      continue;
    }
    for (let i = 0; i < N; i++) if (flags[r * N + i] !== 0) logMarginal(u, w, (r * N + i) * S, S, out, o + i * S, s);
  }
}

/** One node's marginal from the exact logs of u and w (every product below LOW). */
function logMarginal(
  u: ExpMessages,
  w: ExpMessages,
  off: number,
  S: number,
  out: Float64Array,
  o: number,
  s: Scratch,
): void {
  const tmp = s.terms;
  for (let k = 0; k < S; k++) tmp[k] = logAt(u.v, u.ul, off + k) + logAt(w.v, w.ul, off + k);
  softmax(tmp, S, out, o);
}
