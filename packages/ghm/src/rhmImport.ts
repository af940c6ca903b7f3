/**
 * Import rule tensors as the PyTorch RHM codebases produce them (e.g.
 * `sample_rules` in pcsl-epfl/hierarchy-learning, dumped with `.tolist()`):
 * a list over levels, level 0 of shape [C, k, m] and levels 1..L-1 of shape
 * [S, k, m]; entry [l][a][r] is the r-th production (an m-tuple) of symbol a of
 * level l. Every production of a symbol is equally likely (p = 1/k).
 */
import { InputError } from "./inputError";
import { z } from "zod";
import type { Grammar } from "./grammar";
import { GrammarError, describeValue } from "./grammarError";
import { parseGrammar } from "./format";
import { MAX_VOCAB, parseWith } from "./schema";

export interface RhmImportOptions {
  /** Vocabulary size of levels 1..L (default: the largest symbol + 1, or the most symbols of any level 1..L-1 if larger). */
  S?: number;
}

const symbol = z
  .int({ error: `expected a symbol: an integer in [0, ${MAX_VOCAB - 1}]` })
  .min(0)
  .max(MAX_VOCAB - 1);
const tensorSchema = z
  .array(
    z
      .array(
        z
          .array(
            z
              .array(symbol, { error: "expected a rule: an array of m symbols" })
              .min(2, { error: "expected a rule of m >= 2 symbols" }),
            { error: "expected the rules of one symbol: an array of k rules" },
          )
          .min(1, { error: "expected at least one rule per symbol" }),
        { error: "expected a level: an array of symbols' rule lists, shape [S, k, m]" },
      )
      .min(1, { error: "expected at least one symbol per level" }),
    { error: "expected an array of levels, level 0 of shape [C, k, m], then [S, k, m]" },
  )
  .min(1, { error: "expected at least one level" });

/** Build a rules Grammar (uniform root, vocab [C, S, ..., S]) from RHM rule tensors. Throws GrammarError. */
export function importRhmRules(json: unknown, options: RhmImportOptions = {}): Grammar {
  const wrapped = typeof json === "object" && json !== null && !Array.isArray(json);
  const prefix = wrapped ? ["rules"] : [];
  const at = (...idx: number[]): string => `${wrapped ? "rules" : ""}${idx.map((i) => `[${i}]`).join("")}`;
  if (wrapped && !("rules" in json))
    throw new GrammarError(
      "",
      `expected an array of rule tensors or an object {"rules": [...]}, got an object without "rules"`,
    );
  const levels = parseWith(tensorSchema, wrapped ? (json as { rules: unknown }).rules : json, prefix);

  const m = levels[0][0][0].length;
  let maxSymbol = 0;
  levels.forEach((level, l) => {
    const k = level[0].length;
    level.forEach((rs, a) => {
      if (rs.length !== k)
        throw new GrammarError(
          at(l, a),
          `expected k = ${k} rules (as symbol 0 of level ${l} has; shape [S, k, m]), got ${rs.length}`,
        );
      const seen = new Map<string, number>();
      rs.forEach((t, r) => {
        if (t.length !== m)
          throw new GrammarError(
            at(l, a, r),
            `expected a tuple of m = ${m} symbols (as ${at(0, 0, 0)} has), got ${describeValue(t)}`,
          );
        const key = t.join(",");
        const prev = seen.get(key);
        if (prev !== undefined)
          throw new GrammarError(at(l, a, r), `duplicate tuple [${key}], already at ${at(l, a, prev)}`);
        seen.set(key, r);
        for (const b of t) if (b > maxSymbol) maxSymbol = b;
      });
    });
  });

  const L = levels.length;
  const rows = levels.slice(1).map((level) => level.length);
  const S = options.S ?? Math.max(maxSymbol + 1, ...rows);
  if (!Number.isInteger(S) || S < 1 || S > MAX_VOCAB)
    throw new InputError("options.S", `must be an integer in [1, ${MAX_VOCAB}], got ${S}`);

  levels.forEach((level, l) =>
    level.forEach((rs, a) =>
      rs.forEach((t, r) =>
        t.forEach((b, j) => {
          if (b >= S)
            throw new GrammarError(
              at(l, a, r, j),
              `symbol ${b} is outside [0, S - 1] = [0, ${S - 1}] (S from options.S)`,
            );
        }),
      ),
    ),
  );

  for (let l = 1; l < L; l++) {
    if (levels[l].length !== S)
      throw new GrammarError(
        at(l),
        `expected S = ${S} symbols (shape [S, k, m]; S ${options.S === undefined ? "inferred as the largest symbol + 1 or the most symbols of a level" : "from options.S"}), got ${levels[l].length}`,
      );
  }
  const C = levels[0].length;
  return parseGrammar({
    format: "ghm/v1",
    depth: L,
    arity: m,
    vocab: [C, ...new Array<number>(L).fill(S)],
    root: new Array<number>(C).fill(1 / C),
    levels: levels.map((level) => ({
      kind: "rules",
      rules: level.map((rs) => rs.map((t) => ({ children: t, p: 1 / rs.length }))),
    })),
  });
}

/**
 * Inverse of importRhmRules: the rule tensors `[l][a][r] = m-tuple` of a grammar
 * whose levels are all `rules` with k_l equally likely rules per symbol and a
 * uniform root (what the RHM codebases can represent); anything else is refused.
 */
export function exportRhmRules(g: Grammar): number[][][][] {
  const C = g.vocab[0];
  g.root.forEach((p, a) => {
    if (Math.abs(p - 1 / C) > 1e-12)
      throw new GrammarError(`root[${a}]`, `RHM rule tensors imply a uniform root prior 1/C = ${1 / C}, got ${p}`);
  });
  return g.levels.map((k, i) => {
    if (k.kind !== "rules")
      throw new GrammarError(`levels[${i}].kind`, `RHM rule tensors need "rules" kernels, got "${k.kind}"`);
    const kl = k.rules[0].length;
    return k.rules.map((rs, a) => {
      if (rs.length !== kl)
        throw new GrammarError(
          `levels[${i}].rules[${a}]`,
          `RHM rule tensors need k = ${kl} rules for every symbol of a level, got ${rs.length}`,
        );
      return rs.map((r, j) => {
        if (Math.abs(r.p - 1 / kl) > 1e-12)
          throw new GrammarError(
            `levels[${i}].rules[${a}][${j}].p`,
            `RHM rules are uniform (p = 1/k = ${1 / kl}), got ${r.p}`,
          );
        return r.children.slice();
      });
    });
  });
}
