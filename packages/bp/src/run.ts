/**
 * Exact sum-product BP over a batch (SPEC.md section 3). Messages are `[batch, m^l,
 * S_l]` per level, log domain, each node shifted to max 0 with the shifts summed into
 * logZ. Rows are processed in blocks so the product kernels' scratch (q, needed again
 * by the downward pass, and the exp-domain copies of the messages) stays small;
 * within a block, each level is a loop over rows then nodes, i.e. over contiguous
 * memory.
 */
import { Evidence, Grammar } from "@ghmkit/ghm";
import { CompiledGrammar, CompiledLevel, compileGrammar } from "./compile";
import { checkBytes, checkEvidence } from "./check";
import { LOW, logSumExp, shiftToMaxZero } from "./logspace";
import { denseDown, denseUp } from "./kernels/dense";
import { productDown, productUp } from "./kernels/product";
import { rulesDown, rulesUp } from "./kernels/rules";
import { Scratch, fillRange, makeScratch } from "./kernels/scratch";

export interface BPOptions {
  /** Also run the downward pass and compute every level's marginals (default true). */
  downward?: boolean;
  /** Refuse (before allocating) when the messages would need more bytes (default MAX_BP_BYTES = 4 GiB). */
  maxBytes?: number;
}

export interface BPResult {
  batch: number;
  /** [batch] log p(evidence); -Infinity when impossible. */
  logZ: Float64Array;
  /** [batch] 1 = impossible evidence (every tree has probability 0). */
  impossible: Uint8Array;
  /** u_l for l = 0..L, each [batch, m^l, S_l], log domain, each node shifted to max 0. */
  up: Float64Array[];
  /** w_l for l = 0..L, same layout and shift; -Infinity throughout for impossible rows. */
  down?: Float64Array[];
  /** P(x_{l,i} = s | obs), l = 0..L, [batch, m^l, S_l]; zeros for impossible rows. */
  marginals?: Float64Array[];
  /** [batch, S_0] classification posterior P(y | obs); zeros when impossible. */
  root: Float64Array;
}

/** Floats of block-local scratch (q, and the exp-domain vx / wx of product levels); 16 MiB. */
const BLOCK_FLOATS = 2 ** 21;

/** Bytes of message memory runBP allocates per sequence: up, plus down and marginals when downward. */
export function messageBytesPerSequence(g: Grammar, downward = true): number {
  return compiledMessageBytes(compileGrammar(g), downward);
}

function compiledMessageBytes(g: CompiledGrammar, downward: boolean): number {
  let floats = 0;
  for (let l = 0; l <= g.L; l++) floats += g.nodes[l] * g.vocab[l];
  return 8 * (floats * (downward ? 3 : 1) + 2 * g.vocab[0] + 2);
}

/** Block-local work arrays; index ((row - b0) * m^l + i) * S. */
interface Block {
  rows: number;
  /** q of product levels as t = exp(q): qBase[l] + ((row - b0) * m^l + child) * S_{l-1}. */
  q: Float64Array;
  qBase: number[];
  /** exp(u_l), exp(w_l) for levels next to a product kernel (else empty). */
  vx: Float64Array[];
  wx: Float64Array[];
}

function isProduct(cg: CompiledGrammar, level: number): boolean {
  return level >= 1 && level <= cg.L && cg.levels[level - 1].kind === "product";
}

/** Level l needs exp-domain copies if a product kernel reads or writes it. */
function needsExp(cg: CompiledGrammar, l: number): boolean {
  return isProduct(cg, l) || isProduct(cg, l + 1);
}

function makeBlock(cg: CompiledGrammar, batch: number, downward: boolean): Block {
  const { L, nodes, vocab } = cg;
  const qRowOff: number[] = new Array(L + 2).fill(0);
  let expRow = 0;
  for (let l = 1; l <= L; l++) qRowOff[l + 1] = qRowOff[l] + (isProduct(cg, l) ? nodes[l] * vocab[l - 1] : 0);
  for (let l = 0; l <= L; l++) if (needsExp(cg, l)) expRow += nodes[l] * vocab[l] * (downward ? 2 : 1);
  const perRow = qRowOff[L + 1] + expRow;
  const rows = perRow > 0 ? Math.max(1, Math.min(batch, Math.floor(BLOCK_FLOATS / perRow))) : Math.max(1, batch);
  const size = (l: number, on: boolean): Float64Array => new Float64Array(on ? rows * nodes[l] * vocab[l] : 0);
  return {
    rows,
    q: new Float64Array(rows * qRowOff[L + 1]),
    qBase: qRowOff.map((o) => o * rows),
    vx: vocab.map((_, l) => size(l, needsExp(cg, l))),
    wx: vocab.map((_, l) => size(l, downward && needsExp(cg, l))),
  };
}

export function runBP(g: Grammar, ev: Evidence, options: BPOptions = {}): BPResult {
  const cg = compileGrammar(g);
  checkEvidence(cg, ev);
  return runCompiled(cg, ev, options.downward ?? true, options.maxBytes);
}

export function runCompiled(cg: CompiledGrammar, ev: Evidence, downward: boolean, maxBytes?: number): BPResult {
  const { L, vocab, nodes } = cg;
  const batch = ev.batch;
  checkBytes("runBP", batch * compiledMessageBytes(cg, downward), batch, maxBytes);

  const up = vocab.map((S, l) => new Float64Array(batch * nodes[l] * S));
  const down = downward ? vocab.map((S, l) => new Float64Array(batch * nodes[l] * S)) : undefined;
  const marginals = downward ? vocab.map((S, l) => new Float64Array(batch * nodes[l] * S)) : undefined;
  const logZ = new Float64Array(batch);
  const impossible = new Uint8Array(batch);
  const C = vocab[0];
  const root = new Float64Array(batch * C);
  const blk = makeBlock(cg, batch, downward);
  const s = makeScratch(cg);
  const rootTmp = new Float64Array(C);

  for (let b0 = 0; b0 < batch; b0 += blk.rows) {
    const b1 = Math.min(batch, b0 + blk.rows);
    upward(cg, ev, b0, b1, up, blk, logZ, s);
    for (let row = b0; row < b1; row++) {
      for (let a = 0; a < C; a++) rootTmp[a] = cg.logPi[a] + up[0][row * C + a];
      const lz = logSumExp(rootTmp, 0, C);
      logZ[row] += lz;
      if (logZ[row] === -Infinity) {
        impossible[row] = 1;
        continue;
      }
      for (let a = 0; a < C; a++) root[row * C + a] = Math.exp(rootTmp[a] - lz);
    }
    if (down && marginals) downwardPass(cg, b0, b1, up, down, marginals, blk, impossible, s);
  }
  const result: BPResult = { batch, logZ, impossible, up, root };
  if (down) result.down = down;
  if (marginals) result.marginals = marginals;
  return result;
}

/** dst[local block slice of level l] = exp(src[global slice]) for rows b0..b1. */
function expLevel(cg: CompiledGrammar, l: number, src: Float64Array, dst: Float64Array, b0: number, b1: number): void {
  const n = cg.nodes[l] * cg.vocab[l];
  for (let i = 0, off = b0 * n; i < (b1 - b0) * n; i++) dst[i] = Math.exp(src[off + i]);
}

function upward(cg: CompiledGrammar, ev: Evidence, b0: number, b1: number, up: Float64Array[], blk: Block, logZ: Float64Array, s: Scratch): void {
  const { L, m, vocab, nodes } = cg;
  const d = nodes[L];
  const S = vocab[L];
  const uL = up[L];
  uL.set(ev.e.subarray(b0 * d * S, b1 * d * S), b0 * d * S);
  for (let row = b0; row < b1; row++) {
    let z = 0;
    for (let i = 0; i < d; i++) z += shiftToMaxZero(uL, (row * d + i) * S, S);
    logZ[row] = z;
  }
  if (needsExp(cg, L)) expLevel(cg, L, uL, blk.vx[L], b0, b1);
  for (let l = L; l >= 1; l--) {
    const lv = cg.levels[l - 1];
    const Np = nodes[l - 1];
    const Sp = lv.Sp;
    const Sc = lv.Sc;
    const uc = up[l];
    const up_ = up[l - 1];
    for (let row = b0; row < b1; row++) {
      let z = 0;
      for (let i = 0; i < Np; i++) {
        const P = row * Np + i;
        const pOff = P * Sp;
        const cOff = P * m * Sc;
        const local = (row - b0) * Np + i;
        if (lv.kind === "product") {
          const qOff = blk.qBase[l] + local * m * Sp;
          z += productUp(lv, blk.vx[l], local * m * Sc, uc, cOff, up_, pOff, blk.vx[l - 1], local * Sp, blk.q, qOff, s);
        } else if (lv.kind === "rules") z += rulesUp(lv, uc, cOff, up_, pOff, s);
        else z += denseUp(lv, uc, cOff, up_, pOff, s);
      }
      logZ[row] += z;
    }
    if (lv.kind !== "product" && needsExp(cg, l - 1)) expLevel(cg, l - 1, up_, blk.vx[l - 1], b0, b1);
  }
}

function downwardPass(
  cg: CompiledGrammar,
  b0: number,
  b1: number,
  up: Float64Array[],
  down: Float64Array[],
  marginals: Float64Array[],
  blk: Block,
  impossible: Uint8Array,
  s: Scratch,
): void {
  const { L, m, vocab, nodes } = cg;
  const C = vocab[0];
  for (let row = b0; row < b1; row++) {
    if (impossible[row]) {
      for (let l = 0; l <= L; l++) fillRange(down[l], row * nodes[l] * vocab[l], nodes[l] * vocab[l], -Infinity);
      continue;
    }
    down[0].set(cg.logPi, row * C);
    shiftToMaxZero(down[0], row * C, C);
    marginal(up[0], down[0], row * C, C, marginals[0]);
  }
  if (needsExp(cg, 0)) expLevel(cg, 0, down[0], blk.wx[0], b0, b1);
  for (let l = 1; l <= L; l++) {
    const lv: CompiledLevel = cg.levels[l - 1];
    const Np = nodes[l - 1];
    const Sp = lv.Sp;
    const Sc = lv.Sc;
    for (let row = b0; row < b1; row++) {
      if (impossible[row]) continue;
      for (let i = 0; i < Np; i++) {
        const P = row * Np + i;
        const pOff = P * Sp;
        const cOff = P * m * Sc;
        const local = (row - b0) * Np + i;
        if (lv.kind === "product") {
          const qOff = blk.qBase[l] + local * m * Sp;
          productDown(lv, blk.q, qOff, blk.wx[l - 1], local * Sp, down[l - 1], pOff, down[l], cOff, blk.wx[l], local * m * Sc, up[l], s);
          for (let j = 0; j < m; j++) marginalExp(blk.vx[l], blk.wx[l], (local * m + j) * Sc, up[l], down[l], cOff + j * Sc, Sc, marginals[l]);
        } else {
          if (lv.kind === "rules") rulesDown(lv, up[l], down[l - 1], pOff, down[l], cOff, s);
          else denseDown(lv, up[l], down[l - 1], pOff, down[l], cOff, s);
          for (let j = 0; j < m; j++) marginal(up[l], down[l], cOff + j * Sc, Sc, marginals[l]);
        }
      }
    }
    if (lv.kind !== "product" && needsExp(cg, l)) expLevel(cg, l, down[l], blk.wx[l], b0, b1);
  }
}

/** P(x = s | obs) ∝ exp(u(s) + w(s)) for one node. */
function marginal(u: Float64Array, w: Float64Array, off: number, S: number, out: Float64Array): void {
  let mx = -Infinity;
  for (let i = 0; i < S; i++) {
    const z = u[off + i] + w[off + i];
    if (z > mx) mx = z;
  }
  if (mx === -Infinity) return;
  let sum = 0;
  for (let i = 0; i < S; i++) {
    const p = Math.exp(u[off + i] + w[off + i] - mx);
    out[off + i] = p;
    sum += p;
  }
  const inv = 1 / sum;
  for (let i = 0; i < S; i++) out[off + i] *= inv;
}

/** The same from the exp-domain copies (no exp), falling back when their product is tiny. */
function marginalExp(
  vx: Float64Array,
  wx: Float64Array,
  loc: number,
  u: Float64Array,
  w: Float64Array,
  off: number,
  S: number,
  out: Float64Array,
): void {
  let mx = 0;
  let sum = 0;
  for (let i = 0; i < S; i++) {
    const z = vx[loc + i] * wx[loc + i];
    out[off + i] = z;
    sum += z;
    if (z > mx) mx = z;
  }
  if (mx < LOW) {
    marginal(u, w, off, S, out);
    return;
  }
  const inv = 1 / sum;
  for (let i = 0; i < S; i++) out[off + i] *= inv;
}
