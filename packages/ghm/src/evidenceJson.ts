/**
 * The JSON form of leaf evidence, shared by the `ghm bp --evidence` file format and
 * the library: `runBP(g, evidenceFromJson(json, g))`. JSON has no infinities, so a
 * null logit means -Infinity (an impossible symbol).
 *
 * - `{"kind":"logits","h":[batch][d][S_L]}`
 * - `{"kind":"exact","x":[batch][d]}`
 * - `{"kind":"masked","x":[batch][d]}` (-1 = masked)
 * - `{"kind":"gaussian","alpha":a,"sigma":s,"z":[batch][d][S_L]}`
 * - `{"kind":"uniform","keep":q,"x":[batch][d]}`
 */
import { z } from "zod";
import { type Evidence, exactEvidence, logitsEvidence, maskedEvidence } from "./evidence";
import { gaussianEvidenceFromZ } from "./gaussianEvidence";
import { uniformEvidence } from "./uniformEvidence";
import { type Grammar, leafCount } from "./grammar";
import { formatPath, GrammarError } from "./grammarError";
import { InputError } from "./inputError";

const seq = z.array(z.number().int());
const logits = z.object({ kind: z.literal("logits"), h: z.array(z.array(z.array(z.number().nullable()))) });
const exact = z.object({ kind: z.literal("exact"), x: z.array(seq) });
const masked = z.object({ kind: z.literal("masked"), x: z.array(seq) });
const gaussian = z.object({
  kind: z.literal("gaussian"),
  alpha: z.number().positive(),
  sigma: z.number().positive(),
  z: z.array(z.array(z.array(z.number()))),
});
const uniform = z.object({ kind: z.literal("uniform"), keep: z.number().min(0).max(1), x: z.array(seq) });

/** zod schema of the evidence JSON (structure only; sizes are checked against the grammar by `evidenceFromJson`). */
export const evidenceJsonSchema = z.discriminatedUnion("kind", [logits, exact, masked, gaussian, uniform]);
export type EvidenceJson = z.infer<typeof evidenceJsonSchema>;

/**
 * Builds BP's `Evidence` from its JSON form, checked against the grammar `g` (leaf
 * count d, leaf vocabulary S_L, symbol ranges). Throws `GrammarError` whose `path`
 * names the bad field (`x[3]`, `h[0][5]`, `kind`).
 */
export function evidenceFromJson(json: unknown, g: Grammar): Evidence {
  const r = evidenceJsonSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const kinds = '"logits", "exact", "masked", "gaussian" or "uniform"';
    const detail =
      issue.path[0] === "kind" || issue.path.length === 0 ? `${issue.message} (kind must be ${kinds})` : issue.message;
    throw new GrammarError(formatPath(issue.path), detail);
  }
  const f = r.data;
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const rows = f.kind === "logits" ? f.h : f.kind === "gaussian" ? f.z : f.x;
  const field = f.kind === "logits" ? "h" : f.kind === "gaussian" ? "z" : "x";
  const batch = rows.length;
  if (batch === 0) throw new GrammarError(field, "is empty: give at least one sequence");
  rows.forEach((row, b) => {
    if (row.length !== d)
      throw new GrammarError(`${field}[${b}]`, `has ${row.length} leaves, the grammar has d = m^L = ${d}`);
  });
  const at = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InputError && !(err instanceof GrammarError))
        throw new GrammarError(field, `${err.field}: ${err.detail}`, err.hint);

      throw err;
    }
  };
  switch (f.kind) {
    case "exact":
      return at(() => exactEvidence(f.x.flat(), batch, d, S));
    case "masked":
      return at(() => maskedEvidence(f.x.flat(), batch, d, S));
    case "uniform":
      return at(() => uniformEvidence(f.x.flat(), batch, d, S, f.keep));
    case "logits":
      return at(() =>
        logitsEvidence(
          flatVectors(f.h, S, "h", (v) => (v === null ? -Infinity : v)),
          batch,
          d,
          S,
        ),
      );
    case "gaussian":
      return at(() =>
        gaussianEvidenceFromZ(
          flatVectors(f.z, S, "z", (v) => v),
          batch,
          d,
          S,
          f.alpha,
          f.sigma,
        ),
      );
  }
}

/** The JSON form of any `Evidence` (as logits; -Infinity as null): `evidenceFromJson(evidenceToJson(e), g)` gives `e` back. */
export function evidenceToJson(e: Evidence): EvidenceJson {
  const h = Array.from({ length: e.batch }, (_, b) =>
    Array.from({ length: e.d }, (_, i) =>
      Array.from(e.e.subarray((b * e.d + i) * e.S, (b * e.d + i + 1) * e.S), (v) => (v === -Infinity ? null : v)),
    ),
  );
  return { kind: "logits", h };
}

/** Flattens [batch][d][S] after checking every leaf vector has S entries. */
function flatVectors<T>(rows: T[][][], S: number, field: string, map: (v: T) => number): Float64Array {
  const out = new Float64Array(rows.length * rows[0].length * S);
  let k = 0;
  rows.forEach((r, b) =>
    r.forEach((v, i) => {
      if (v.length !== S)
        throw new GrammarError(`${field}[${b}][${i}]`, `has ${v.length} entries, expected S_L = ${S}`);
      for (const x of v) out[k++] = map(x);
    }),
  );
  return out;
}
