/**
 * Grammar validation and compilation into the flat typed arrays the BP loops index:
 * rules become CSR-style arrays (start / children / p), every kernel also keeps its
 * log so the exact log-domain fallbacks need no per-call logs.
 */
import { InputError } from "@ghmkit/ghm";
import type { Grammar, Kernel } from "@ghmkit/ghm";
import { logOf } from "./logspace";

/** Row sums of a kernel may deviate from 1 by this much (rounding in files). */
const SUM_TOLERANCE = 1e-6;

interface LevelShape {
  /** Arity m. */
  m: number;
  /** Parent vocabulary S_{l-1}. */
  Sp: number;
  /** Child vocabulary S_l. */
  Sc: number;
}

export interface ProductLevel extends LevelShape {
  kind: "product";
  /** M_{l,j} row-major [Sp, Sc]. */
  M: Float64Array[];
  /** M_{l,j} transposed, row-major [Sc, Sp] (the downward pass reads columns). */
  MT: Float64Array[];
  logM: Float64Array[];
}

export interface RulesLevel extends LevelShape {
  kind: "rules";
  /** Rules of parent a are r = start[a] .. start[a+1]-1. */
  start: Int32Array;
  /** children[r * m + j] = b_{r,j}. */
  children: Int32Array;
  /** slot[r * m + j] = j * Sc + b_{r,j}: the entry of the m contiguous child messages. */
  slot: Int32Array;
  /** Largest number of rules of one parent symbol. */
  maxRules: number;
  /** parent[r] = a for the rules of a. */
  parent: Int32Array;
  /** Rules with b_{r,j} = b are bySlot[bySlotStart[j*Sc+b] .. bySlotStart[j*Sc+b+1]). */
  bySlotStart: Int32Array;
  bySlot: Int32Array;
  p: Float64Array;
  logp: Float64Array;
}

export interface DenseLevel extends LevelShape {
  kind: "dense";
  /** T = Sc^m child tuples per parent. */
  T: number;
  /** Row-major [Sp, T]; tuple index sum_j b_j Sc^(m-1-j). */
  K: Float64Array;
  logK: Float64Array;
}

export type CompiledLevel = ProductLevel | RulesLevel | DenseLevel;

export interface CompiledGrammar {
  L: number;
  m: number;
  vocab: number[];
  /** nodes[l] = m^l. */
  nodes: number[];
  pi: Float64Array;
  logPi: Float64Array;
  /** levels[l - 1] generates level l from level l - 1. */
  levels: CompiledLevel[];
}

function fail(field: string, problem: string, fix: string): never {
  throw new InputError(`grammar.${field}`, problem, fix);
}

function checkDistribution(field: string, w: ArrayLike<number>, off: number, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = w[off + i];
    if (!(x >= 0) || !Number.isFinite(x)) fail(field, `has entry ${x}`, "probabilities must be finite and >= 0");
    s += x;
  }
  if (Math.abs(s - 1) > SUM_TOLERANCE) fail(field, `sums to ${s}`, "normalise it to sum to 1");
}

function compileLevel(k: Kernel, l: number, m: number, Sp: number, Sc: number): CompiledLevel {
  const f = `levels[${l - 1}]`;
  switch (k.kind) {
    case "product": {
      if (!Array.isArray(k.matrices) || k.matrices.length !== m)
        fail(
          `${f}.matrices`,
          `has ${k.matrices?.length} matrices`,
          `give one [${Sp} x ${Sc}] matrix per child position (arity ${m})`,
        );
      k.matrices.forEach((M, j) => {
        if (!(M instanceof Float64Array) || M.length !== Sp * Sc)
          fail(
            `${f}.matrices[${j}]`,
            `has ${M?.length} entries`,
            `expected ${Sp} x ${Sc} = ${Sp * Sc} (S_${l - 1} x S_${l}), row-major Float64Array`,
          );
        for (let a = 0; a < Sp; a++) checkDistribution(`${f}.matrices[${j}] row ${a}`, M, a * Sc, Sc);
      });
      const MT = k.matrices.map((M) => {
        const t = new Float64Array(Sp * Sc);
        for (let a = 0; a < Sp; a++) for (let b = 0; b < Sc; b++) t[b * Sp + a] = M[a * Sc + b];
        return t;
      });
      return { kind: "product", m, Sp, Sc, M: k.matrices, MT, logM: k.matrices.map(logOf) };
    }
    case "rules": {
      if (!Array.isArray(k.rules) || k.rules.length !== Sp)
        fail(
          `${f}.rules`,
          `lists ${k.rules?.length} parent symbols`,
          `give one rule list per parent symbol (S_${l - 1} = ${Sp})`,
        );
      let R = 0;
      for (const rs of k.rules) R += rs.length;
      const start = new Int32Array(Sp + 1);
      const children = new Int32Array(R * m);
      const p = new Float64Array(R);
      let r = 0;
      for (let a = 0; a < Sp; a++) {
        start[a] = r;
        k.rules[a].forEach((rule, i) => {
          const ch = rule.children;
          if (!Array.isArray(ch) || ch.length !== m)
            fail(
              `${f}.rules[${a}][${i}].children`,
              `has length ${ch?.length}`,
              `each rule produces exactly m = ${m} children`,
            );
          ch.forEach((b, j) => {
            if (!Number.isInteger(b) || b < 0 || b >= Sc)
              fail(`${f}.rules[${a}][${i}].children[${j}]`, `is ${b}`, `child symbols lie in [0, ${Sc})`);
            children[r * m + j] = b;
          });
          p[r++] = rule.p;
        });
        checkDistribution(`${f}.rules[${a}] (probabilities p)`, p, start[a], r - start[a]);
      }
      start[Sp] = r;
      const slot = new Int32Array(R * m);
      for (let i = 0; i < R * m; i++) slot[i] = (i % m) * Sc + children[i];
      let maxRules = 0;
      for (let a = 0; a < Sp; a++) maxRules = Math.max(maxRules, start[a + 1] - start[a]);
      const parent = new Int32Array(R);
      for (let a = 0; a < Sp; a++) parent.fill(a, start[a], start[a + 1]);
      const bySlotStart = new Int32Array(m * Sc + 1);
      for (let i = 0; i < R * m; i++) bySlotStart[slot[i] + 1]++;
      for (let k = 0; k < m * Sc; k++) bySlotStart[k + 1] += bySlotStart[k];
      const bySlot = new Int32Array(R * m);
      const fillAt = bySlotStart.slice(0, m * Sc);
      for (let i = 0; i < R * m; i++) bySlot[fillAt[slot[i]]++] = Math.floor(i / m);
      return {
        kind: "rules",
        m,
        Sp,
        Sc,
        start,
        children,
        slot,
        maxRules,
        parent,
        bySlotStart,
        bySlot,
        p,
        logp: logOf(p),
      };
    }
    case "dense": {
      const T = Sc ** m;
      if (!(k.tensor instanceof Float64Array) || k.tensor.length !== Sp * T)
        fail(
          `${f}.tensor`,
          `has ${k.tensor?.length} entries`,
          `expected S_${l - 1} * S_${l}^m = ${Sp * T}, row-major Float64Array`,
        );
      for (let a = 0; a < Sp; a++) checkDistribution(`${f}.tensor row ${a}`, k.tensor, a * T, T);
      return { kind: "dense", m, Sp, Sc, T, K: k.tensor, logK: logOf(k.tensor) };
    }
    default:
      return fail(`${f}.kind`, `is ${(k as { kind: unknown }).kind}`, `use "product", "rules" or "dense"`);
  }
}

/** Validate a grammar's shapes and probabilities and compile it for BP. */
export function compileGrammar(g: Grammar): CompiledGrammar {
  const L = g.depth;
  const m = g.arity;
  if (!Number.isInteger(L) || L < 1) fail("depth", `is ${L}`, "use an integer L >= 1");
  if (!Number.isInteger(m) || m < 2) fail("arity", `is ${m}`, "use an integer m >= 2");
  if (!Array.isArray(g.vocab) || g.vocab.length !== L + 1)
    fail("vocab", `has length ${g.vocab?.length}`, `give S_0..S_L (${L + 1} sizes)`);
  g.vocab.forEach((s, l) => {
    if (!Number.isInteger(s) || s < 1) fail(`vocab[${l}]`, `is ${s}`, "use a positive integer");
  });
  if (!(g.root instanceof Float64Array) || g.root.length !== g.vocab[0])
    fail("root", `has ${g.root?.length} entries`, `give pi over S_0 = ${g.vocab[0]} classes`);
  checkDistribution("root", g.root, 0, g.vocab[0]);
  if (!Array.isArray(g.levels) || g.levels.length !== L)
    fail("levels", `has ${g.levels?.length} kernels`, `give one kernel per level 1..L (${L})`);
  const nodes: number[] = [];
  for (let l = 0; l <= L; l++) nodes.push(m ** l);
  if (!Number.isSafeInteger(nodes[L])) fail("depth", `gives m^L = ${nodes[L]} leaves`, "use a smaller depth or arity");
  const levels = g.levels.map((k, i) => compileLevel(k, i + 1, m, g.vocab[i], g.vocab[i + 1]));
  return { L, m, vocab: g.vocab.slice(), nodes, pi: g.root, logPi: logOf(g.root), levels };
}
