/**
 * The ghm/v1 JSON format and its conversion to and from the in-memory Grammar:
 *
 *   {"format": "ghm/v1", "depth": L, "arity": m, "vocab": [S_0, ..., S_L],
 *    "root": [pi(0), ..., pi(S_0 - 1)], "levels": [K_1, ..., K_L]}
 *
 * with each K_l one of
 *   {"kind": "product", "matrices": [M_{l,0}, ..., M_{l,m-1}]}   (each S_{l-1} x S_l)
 *   {"kind": "rules", "rules": [[{"children": [b_0..b_{m-1}], "p": p}, ...] per parent]}
 *   {"kind": "dense", "tensor": nested S_{l-1} x S_l x ... x S_l (m child axes)}
 *
 * parseGrammar validates everything and reports the first problem with its path;
 * grammarToJson is its exact inverse (doubles survive JSON unchanged).
 */
import type { DenseKernel, Grammar, Kernel, ProductKernel, Rule, RulesKernel } from "./grammar";
import { GrammarError } from "./grammarError";
import { headerSchema, levelSchema, parseWith, rootSchema } from "./schema";
import { DEFAULT_MAX_ENTRIES, assertKernelFits } from "./size";

/** Tolerance on every probability distribution's sum. */
export const SUM_TOLERANCE = 1e-9;

export interface RuleJson {
  children: number[];
  p: number;
}

/** Nested arrays of numbers (the dense tensor, m + 1 axes). */
export type NestedNumbers = number[] | NestedNumbers[];

export type LevelJson =
  | { kind: "product"; matrices: number[][][] }
  | { kind: "rules"; rules: RuleJson[][] }
  | { kind: "dense"; tensor: NestedNumbers };

export interface GhmV1Json {
  format: "ghm/v1";
  depth: number;
  arity: number;
  vocab: number[];
  root: number[];
  levels: LevelJson[];
}

export interface ParseOptions {
  /** Largest product/dense table accepted, in entries (default 2^27). */
  maxEntries?: number;
}

/** Validate a ghm/v1 document (already JSON-parsed) and build the Grammar. Throws GrammarError. */
export function parseGrammar(json: unknown, options: ParseOptions = {}): Grammar {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const h = parseWith(headerSchema, json);
  const L = h.depth;
  const m = h.arity;
  if (h.vocab.length !== L + 1)
    throw new GrammarError(
      "vocab",
      `expected L + 1 = ${L + 1} sizes [S_0, ..., S_${L}] (depth L = ${L}), got ${h.vocab.length}`,
    );
  if (h.levels.length !== L)
    throw new GrammarError(
      "levels",
      `expected L = ${L} kernels, one per level 1..${L} (depth L = ${L}), got ${h.levels.length}`,
    );
  // Size before content: refusing a huge dense level must not first walk its entries.
  h.levels.forEach((lv, i) => assertKernelFits(lv.kind, i + 1, h.vocab[i], h.vocab[i + 1], m, maxEntries));

  const root = parseWith(rootSchema(h.vocab[0]), h.root, ["root"]);
  checkSum(root, "root", "the root prior");
  const levels = h.levels.map((raw, i) => {
    const path = `levels[${i}]`;
    const lv = parseWith(levelSchema(raw.kind, i + 1, h.vocab[i], h.vocab[i + 1], m), raw, ["levels", i]) as LevelJson;
    return kernelFromJson(lv, h.vocab[i], h.vocab[i + 1], m, path);
  });
  return { depth: L, arity: m, vocab: h.vocab.slice(), root: Float64Array.from(root), levels };
}

function kernelFromJson(lv: LevelJson, sParent: number, sChild: number, m: number, path: string): Kernel {
  switch (lv.kind) {
    case "product": {
      const matrices = lv.matrices.map((M, j) => {
        const flat = new Float64Array(sParent * sChild);
        M.forEach((row, a) => {
          checkSum(row, `${path}.matrices[${j}][${a}]`, `row a = ${a} of M_${j}`);
          flat.set(row, a * sChild);
        });
        return flat;
      });
      return { kind: "product", matrices };
    }
    case "rules": {
      const rules = lv.rules.map((rs, a) => {
        const p = `${path}.rules[${a}]`;
        checkSum(
          rs.map((r) => r.p),
          p,
          `the rule probabilities of parent symbol ${a}`,
        );
        checkDistinctTuples(rs, sChild, p);
        return rs.map((r): Rule => ({ children: r.children.slice(), p: r.p }));
      });
      return { kind: "rules", rules };
    }
    case "dense": {
      const T = sChild ** m;
      const tensor = new Float64Array(sParent * T);
      (lv.tensor as NestedNumbers[]).forEach((slab, a) => {
        const n = flattenInto(slab, tensor, a * T);
        let s = 0;
        for (let t = a * T; t < a * T + n; t++) s += tensor[t];
        checkSumValue(s, `${path}.tensor[${a}]`, `the children distribution of parent symbol ${a}`);
      });
      return { kind: "dense", tensor };
    }
  }
}

function flattenInto(v: NestedNumbers | number, out: Float64Array, offset: number): number {
  if (typeof v === "number") {
    out[offset] = v;
    return 1;
  }
  let n = 0;
  for (const x of v) n += flattenInto(x, out, offset + n);
  return n;
}

function checkSum(ps: ArrayLike<number>, path: string, what: string): void {
  let s = 0;
  for (let i = 0; i < ps.length; i++) s += ps[i];
  checkSumValue(s, path, what);
}

function checkSumValue(s: number, path: string, what: string): void {
  if (!(Math.abs(s - 1) <= SUM_TOLERANCE)) {
    throw new GrammarError(
      path,
      `${what}: sum is ${Number(s.toPrecision(12))}, expected 1 (within ${SUM_TOLERANCE}); normalise it`,
    );
  }
}

function checkDistinctTuples(rs: readonly RuleJson[], sChild: number, path: string): void {
  const seen = new Map<number | string, number>();
  rs.forEach((r, k) => {
    let key = 0;
    for (const b of r.children) key = key * sChild + b;
    // Exact while S_l^m < 2^53; beyond that fall back to a string key.
    const id = Number.isSafeInteger(key) ? key : r.children.join(",");
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw new GrammarError(
        `${path}[${k}].children`,
        `duplicate child tuple [${r.children.join(", ")}], already at ${path}[${prev}]; merge the two rules (add their p)`,
      );
    }
    seen.set(id, k);
  });
}

/** Exact inverse of parseGrammar (also checks the in-memory array sizes). */
export function grammarToJson(g: Grammar): GhmV1Json {
  if (g.vocab.length !== g.depth + 1)
    throw new GrammarError("vocab", `expected L + 1 = ${g.depth + 1} sizes, got ${g.vocab.length}`);
  if (g.levels.length !== g.depth)
    throw new GrammarError("levels", `expected L = ${g.depth} kernels, got ${g.levels.length}`);
  return {
    format: "ghm/v1",
    depth: g.depth,
    arity: g.arity,
    vocab: g.vocab.slice(),
    root: Array.from(g.root),
    levels: g.levels.map((k, i) => kernelToJson(k, g.vocab[i], g.vocab[i + 1], g.arity, `levels[${i}]`)),
  };
}

function kernelToJson(k: Kernel, sParent: number, sChild: number, m: number, path: string): LevelJson {
  switch (k.kind) {
    case "product":
      return { kind: "product", matrices: productToJson(k, sParent, sChild, path) };
    case "rules":
      return { kind: "rules", rules: rulesToJson(k) };
    case "dense":
      return { kind: "dense", tensor: denseToJson(k, sParent, sChild, m, path) };
    default:
      throw new GrammarError(
        `${path}.kind`,
        `expected "product", "rules" or "dense", got ${JSON.stringify((k as { kind: unknown }).kind)}`,
      );
  }
}

function productToJson(k: ProductKernel, sParent: number, sChild: number, path: string): number[][][] {
  return k.matrices.map((M, j) => {
    if (M.length !== sParent * sChild)
      throw new GrammarError(
        `${path}.matrices[${j}]`,
        `expected ${sParent} x ${sChild} = ${sParent * sChild} entries, got ${M.length}`,
      );
    const rows: number[][] = [];
    for (let a = 0; a < sParent; a++) rows.push(Array.from(M.subarray(a * sChild, (a + 1) * sChild)));
    return rows;
  });
}

function rulesToJson(k: RulesKernel): RuleJson[][] {
  return k.rules.map((rs) => rs.map((r) => ({ children: r.children.slice(), p: r.p })));
}

function denseToJson(k: DenseKernel, sParent: number, sChild: number, m: number, path: string): NestedNumbers {
  const T = sChild ** m;
  if (k.tensor.length !== sParent * T)
    throw new GrammarError(
      `${path}.tensor`,
      `expected S_{l-1} * S_l^m = ${sParent * T} entries, got ${k.tensor.length}`,
    );
  const nest = (offset: number, axes: number): NestedNumbers => {
    if (axes === 1) return Array.from(k.tensor.subarray(offset, offset + sChild));
    const stride = sChild ** (axes - 1);
    const out: NestedNumbers[] = [];
    for (let b = 0; b < sChild; b++) out.push(nest(offset + b * stride, axes - 1));
    return out as NestedNumbers;
  };
  const out: NestedNumbers[] = [];
  for (let a = 0; a < sParent; a++) out.push(nest(a * T, m));
  return out as NestedNumbers;
}

/** Check an in-memory Grammar against every ghm/v1 rule (throws GrammarError). */
export function validateGrammar(g: Grammar, options: ParseOptions = {}): void {
  parseGrammar(grammarToJson(g), options);
}
