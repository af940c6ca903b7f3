/**
 * The CLI's file parsers under hostile JSON: evidence files (`ghm bp --evidence`),
 * data files (`--data`, `--train`) and training configurations (`--config`, via
 * makeTrainConfig). Each input is accepted as valid data (no NaN, no +Infinity,
 * symbols in range) or refused with the CLI's user error naming a field; no other
 * exception. GHM_FUZZ_RUNS=100000 for the nightly size.
 */
import fc from "fast-check";
import { type Grammar, Rng, isInputError, randomProductGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { type Arch, type Task, makeTrainConfig } from "@ghmkit/train";
import { UserError } from "../errors";
import { dataToJson, parseDataFile } from "../formats/data";
import { parseEvidenceFile } from "../formats/evidence";
import { fuzzRuns, fuzzTimeout } from "@ghmkit/testkit";

const grammars: Grammar[] = [
  randomRhm({ S: 3, classes: 2, k: 2, arity: 2, depth: 2, seed: 1 }),
  randomProductGrammar({ depth: 1, arity: 3, vocab: 2, seed: 2 }),
];
const EXTREMES: unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  5e-324,
  1e308,
  -1e308,
  2 ** 31,
  -1,
  0.5,
  3,
  "0",
  null,
  true,
  [],
  {},
  [[0]],
];

/** A valid file of each kind for grammar g, then 0-3 of its nodes replaced by extremes. */
function validFiles(g: Grammar, seed: number): unknown[] {
  const rng = new Rng(seed);
  const d = g.arity ** g.depth;
  const S = g.vocab[g.depth];
  const data = sample(g, 1 + rng.int(3), rng, { tree: rng.uniform() < 0.5 });
  const x = dataToJson(data).x;
  const vec = () =>
    x.map((r) => r.map(() => Array.from({ length: S }, () => rng.normal() * 10 ** (rng.int(600) - 300))));
  return [
    dataToJson(data, seed),
    { kind: "exact", x },
    { kind: "masked", x: x.map((r) => r.map((s) => (rng.uniform() < 0.3 ? -1 : s))) },
    { kind: "uniform", keep: rng.uniform(), x },
    { kind: "logits", h: vec().map((r) => r.map((v) => v.map((e) => (rng.uniform() < 0.2 ? null : e)))) },
    { kind: "gaussian", alpha: rng.uniform() * 2, sigma: 10 ** (rng.int(13) - 6), z: vec() },
  ].map((f) => ({ ...f, d }));
}

function corrupt(doc: unknown, picks: [number, number][]): unknown {
  const copy = structuredClone(doc);
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]): void => {
    if (at.length) paths.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => walk(x, [...at, k]));
  };
  walk(copy, []);
  for (const [p, v] of picks) {
    if (!paths.length) break;
    const path = paths[p % paths.length];
    const parent = path.slice(0, -1).reduce<any>((o, k) => (o && typeof o === "object" ? o[k] : undefined), copy); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (parent && typeof parent === "object")
      parent[path[path.length - 1]] = structuredClone(EXTREMES[v % EXTREMES.length]);
  }
  return copy;
}

/** Accepted (and then checked) or a UserError that names the file; anything else fails. */
function acceptOrRefuse<T>(parse: () => T, check: (v: T) => void): void {
  let v: T;
  try {
    v = parse();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a user error: ${String(e)}`);
    expect(e.message).toMatch(/^--file f\.json: \S/);
    return;
  }
  check(v);
}

const picks = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 });

test(
  "evidence and data files: valid data or a user error naming the field",
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.integer(),
        fc.nat(),
        picks,
        fc.boolean(),
        (gi, seed, which, p, wild) => {
          const g = grammars[gi];
          const files = validFiles(g, seed);
          const doc = wild
            ? fc.sample(fc.jsonValue(), { numRuns: 1, seed })[0]
            : corrupt(files[which % files.length], p);
          const d = g.arity ** g.depth;
          acceptOrRefuse(
            () => parseEvidenceFile(doc, g, "--file f.json"),
            (ev) => {
              expect(ev.d).toBe(d);
              expect(ev.e.every((x) => !Number.isNaN(x) && x !== Infinity)).toBe(true);
            },
          );
          acceptOrRefuse(
            () => parseDataFile(doc, g, "--file f.json"),
            (data) => {
              expect(data.x.every((s) => s >= 0 && s < g.vocab[g.depth])).toBe(true);
              expect(data.y.every((c) => c >= 0 && c < g.vocab[0])).toBe(true);
              expect(data.x.length).toBe(data.n * d);
            },
          );
        },
      ),
      { numRuns: fuzzRuns(1500) },
    );
  },
  fuzzTimeout(),
);

const TASK_ARCH: [Task, Arch][] = [
  ["classifier", "convnet"],
  ["denoiser", "unet"],
  ["classifier", "mlp"],
  ["denoiser", "flat"],
];
/** Each field with the sub-fields it has (an unknown nested key is not generated: see the report on config.<object>.<unknown>). */
const FIELDS: Record<string, string[]> = {
  task: [],
  arch: [],
  grammar: ["kind", "S", "classes", "k", "arity", "depth", "seed", "path"],
  seeds: ["data", "init", "noise"],
  data: ["trainSize", "testSize"],
  noise: ["kind", "abarMin", "abarMax"],
  evalAbar: [],
  net: ["width", "activation", "extraConvs"],
  optimizer: ["lr", "schedule", "warmupSteps", "minLrFrac", "beta1", "beta2", "epsilon"],
  batchSize: [],
  maxSteps: [],
  evalEvery: [],
  evalBatchSize: [],
  earlyStop: ["patience", "minDelta", "targetGap"],
};
/** The numbers a run reads from a config: the fields of its grammar and noise kinds, and every other known field. */
function usedNumbers(cfg: ReturnType<typeof makeTrainConfig>): unknown[] {
  const g = cfg.grammar.kind === "rhm" ? cfg.grammar : null;
  const n = cfg.noise.kind === "gaussian" ? cfg.noise : null;
  const out: unknown[] = [...cfg.evalAbar, cfg.batchSize, cfg.maxSteps, cfg.evalEvery, cfg.evalBatchSize];
  if (g) out.push(g.S, g.classes, g.k, g.arity, g.depth, g.seed);
  if (n) out.push(n.abarMin, n.abarMax);
  for (const k of ["seeds", "data", "net", "optimizer", "earlyStop"] as const)
    for (const f of FIELDS[k]) {
      const v = (cfg[k] as Record<string, unknown>)[f];
      if (typeof v !== "string" && v !== null) out.push(v);
    }
  return out;
}

const value = fc.oneof(
  fc.constantFrom(...EXTREMES),
  fc.integer({ min: -3, max: 70000 }),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom("rhm", "file", "gaussian", "exact", "relu", "cosine"),
);

test(
  "training configurations (--config overrides): a valid config or an InputError naming config.<field>",
  () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TASK_ARCH),
        fc.array(
          fc
            .constantFrom(...Object.keys(FIELDS))
            .chain((k) =>
              fc.tuple(
                fc.constant(k),
                FIELDS[k].length
                  ? fc.oneof(
                      value,
                      fc.dictionary(fc.constantFrom(...FIELDS[k]), value, { maxKeys: 3 }),
                      fc.array(value, { maxLength: 3 }),
                    )
                  : fc.oneof(value, fc.array(value, { maxLength: 3 })),
              ),
            ),
          { maxLength: 3 },
        ),
        ([task, arch], entries) => {
          const overrides = Object.fromEntries(entries);
          let cfg: ReturnType<typeof makeTrainConfig>;
          try {
            cfg = makeTrainConfig(task, arch, overrides as never);
          } catch (e) {
            if (!isInputError(e)) throw new Error(`not an InputError: ${String(e)}`);
            expect(e.message).toMatch(/^config\.[\w.[\]]+: \S/);
            return;
          }
          // Accepted: every number the run uses is finite (fields of another kind are carried along unused: see the report).
          expect(usedNumbers(cfg).every(Number.isFinite)).toBe(true);
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
  },
  fuzzTimeout(),
);
