/**
 * Structural schema of ghm/v1 (zod). Shapes depend on the header (depth, arity,
 * vocab), so parsing is two-phase: `headerSchema` first, then one `levelSchema`
 * per level built for its exact sizes. Every check carries a message that says
 * what was expected; `firstIssue` turns zod's report into one GrammarError.
 * Semantic checks (sums, duplicate tuples) live in format.ts.
 */
import { z } from "zod";
import { GrammarError, describeValue, formatPath } from "./grammarError";
import type { KernelKind } from "./grammar";

/** Largest vocabulary: symbols are stored in Int32Arrays. */
export const MAX_VOCAB = 2 ** 31 - 1;

const KINDS = ["product", "rules", "dense"] as const satisfies readonly KernelKind[];

function integer(what: string, min: number, max: number) {
  const msg =
    max >= MAX_VOCAB ? `expected ${what}: an integer >= ${min}` : `expected ${what}: an integer in [${min}, ${max}]`;
  return z.int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
}

function sizedArray<T extends z.ZodType>(n: number, what: string, item: T) {
  const msg = `expected an array of exactly ${n} ${what}`;
  return z.array(item, { error: msg }).length(n, { error: msg });
}

function strictObject<T extends z.ZodRawShape>(what: string, shape: T) {
  const fields = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown field(s) ${iss.keys.map((k) => JSON.stringify(k)).join(", ")}; ${what} has exactly the fields ${fields}`
        : `expected ${what}: an object with fields ${fields}`,
  });
}

const PROB = "expected a probability: a finite number in [0, 1]";
export const probabilitySchema = z.number({ error: PROB }).min(0, { error: PROB }).max(1, { error: PROB });

export const headerSchema = strictObject("a ghm/v1 grammar", {
  format: z.literal("ghm/v1", { error: 'expected the format tag "ghm/v1"' }),
  depth: integer("the depth L", 1, 64),
  arity: integer("the arity m", 2, MAX_VOCAB),
  vocab: z.array(integer("a vocabulary size S_l", 1, MAX_VOCAB), {
    error: "expected the vocabulary sizes [S_0, ..., S_L]",
  }),
  root: z.array(z.unknown(), { error: "expected the root prior: an array of S_0 probabilities" }),
  levels: z.array(
    z.looseObject(
      { kind: z.enum(KINDS, { error: 'expected the kernel kind: "product", "rules" or "dense"' }) },
      { error: 'expected a level object {"kind": "product" | "rules" | "dense", ...}' },
    ),
    { error: "expected the levels: an array of L kernel objects" },
  ),
});

export type GhmV1Header = z.infer<typeof headerSchema>;

/** Root prior pi: exactly S_0 probabilities. */
export function rootSchema(classes: number) {
  return sizedArray(classes, `probabilities (S_0 = ${classes})`, probabilitySchema);
}

/** Schema of kernel K_l (l = 1..L) for its exact sizes. */
export function levelSchema(kind: KernelKind, level: number, sParent: number, sChild: number, arity: number) {
  const rows = `rows, one per parent symbol (S_${level - 1} = ${sParent})`;
  const cols = `probabilities, one per child symbol (S_${level} = ${sChild})`;
  switch (kind) {
    case "product":
      return strictObject("a product level", {
        kind: z.literal("product"),
        matrices: sizedArray(
          arity,
          `matrices, one per child position (m = ${arity})`,
          sizedArray(sParent, rows, sizedArray(sChild, cols, probabilitySchema)),
        ),
      });
    case "rules": {
      const rule = strictObject("a rule", {
        children: sizedArray(
          arity,
          `child symbols (m = ${arity})`,
          integer(`a symbol of level ${level}`, 0, sChild - 1),
        ),
        p: probabilitySchema,
      });
      return strictObject("a rules level", {
        kind: z.literal("rules"),
        rules: sizedArray(
          sParent,
          `rule lists, one per parent symbol (S_${level - 1} = ${sParent})`,
          z
            .array(rule, { error: "expected an array of rules {children, p}" })
            .min(1, { error: "expected at least one rule {children, p} per parent symbol" }),
        ),
      });
    }
    case "dense": {
      let inner: z.ZodType = probabilitySchema;
      for (let j = arity - 1; j >= 0; j--)
        inner = sizedArray(sChild, `entries along child axis ${j} (S_${level} = ${sChild})`, inner);
      return strictObject("a dense level", { kind: z.literal("dense"), tensor: sizedArray(sParent, rows, inner) });
    }
  }
}

/**
 * Validate `value` against `schema`; on failure throw the first problem as a
 * GrammarError whose path is `prefix` + the path inside `value`.
 */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): z.infer<T> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  throw firstIssue(r.error.issues, prefix);
}

function firstIssue(issues: z.core.$ZodIssue[], prefix: readonly PropertyKey[]): GrammarError {
  const iss = issues[0];
  const path = formatPath([...prefix, ...iss.path]);
  let detail = iss.code === "unrecognized_keys" ? iss.message : `${iss.message}, got ${describeValue(iss.input)}`;
  if (issues.length > 1) detail += ` (first of ${issues.length} problems)`;
  return new GrammarError(path, detail);
}
