import { z } from "zod";
import {
  Evidence,
  exactEvidence,
  gaussianEvidenceFromZ,
  Grammar,
  leafCount,
  logitsEvidence,
  maskedEvidence,
  uniformEvidence,
} from "@ghmkit/ghm";
import { asUserInput, UserError } from "../errors";
import { parseWith } from "./schema";

/**
 * Evidence files for `ghm bp` (JSON has no infinities: a null logit is -Infinity).
 * Symbols are validated against the grammar after the structural check, so the
 * message can name the offending entry.
 */
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
export const evidenceFileSchema = z.discriminatedUnion("kind", [logits, exact, masked, gaussian, uniform]);
export type EvidenceFile = z.infer<typeof evidenceFileSchema>;

export function parseEvidenceFile(json: unknown, g: Grammar, what: string): Evidence {
  const f = parseWith(evidenceFileSchema, json, what);
  const d = leafCount(g);
  const S = g.vocab[g.depth];
  const rows = f.kind === "logits" ? f.h : f.kind === "gaussian" ? f.z : f.x;
  const field = f.kind === "logits" ? "h" : f.kind === "gaussian" ? "z" : "x";
  const batch = rows.length;
  if (batch === 0) throw new UserError(`${what}: ${field} is empty: give at least one sequence`);
  rows.forEach((r, b) => {
    if (r.length !== d) throw new UserError(`${what}: ${field}[${b}] has ${r.length} leaves, the grammar has d = m^L = ${d}`);
  });
  return asUserInput(what, () => {
    switch (f.kind) {
      case "exact":
        return exactEvidence(flat(f.x), batch, d, S);
      case "masked":
        return maskedEvidence(flat(f.x), batch, d, S);
      case "uniform":
        return uniformEvidence(flat(f.x), batch, d, S, f.keep);
      case "logits":
        return logitsEvidence(flatVectors(f.h, S, "h", what, (v) => (v === null ? -Infinity : v)), batch, d, S);
      case "gaussian":
        return gaussianEvidenceFromZ(flatVectors(f.z, S, "z", what, (v) => v), batch, d, S, f.alpha, f.sigma);
    }
  });
}

function flat(x: number[][]): number[] {
  return x.flat();
}

/** Flattens [batch][d][S] after checking every leaf vector has S entries. */
function flatVectors<T>(rows: T[][][], S: number, field: string, what: string, map: (v: T) => number): Float64Array {
  const out = new Float64Array(rows.length * rows[0].length * S);
  let k = 0;
  rows.forEach((r, b) =>
    r.forEach((v, i) => {
      if (v.length !== S) throw new UserError(`${what}: ${field}[${b}][${i}] has ${v.length} entries, expected S_L = ${S}`);
      for (const x of v) out[k++] = map(x);
    }),
  );
  return out;
}
