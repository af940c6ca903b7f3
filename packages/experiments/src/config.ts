/**
 * Experiment configs: preset defaults, overridden by a JSON file (`--config`, any
 * subset of fields, merged object by object) and by `--set path=value` flags, then
 * validated by the experiment's zod schema. Errors name the field and exit 2.
 */
import type { z } from "zod";
import { ExperimentError } from "./errors";
import { readJsonFile } from "./io";
import type { AnyExperiment, Preset } from "./types";

type Json = unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: objects recursively, anything else (arrays included) replaced. */
export function mergeDeep(base: Json, over: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeDeep(base[k], v) : v;
  return out;
}

/** Parses `a.b.c=value` (value as JSON when it parses, else a string) into a nested object. */
export function parseSet(assignment: string): Record<string, unknown> {
  const eq = assignment.indexOf("=");
  if (eq <= 0)
    throw new ExperimentError(
      `--set ${assignment}: expected path=value, e.g. --set train.steps=200 or --set P=[64,256]`,
    );
  const keys = assignment.slice(0, eq).trim().split(".");
  if (keys.some((k) => k === ""))
    throw new ExperimentError(`--set ${assignment}: empty field name in "${assignment.slice(0, eq)}"`);
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  let out: unknown = value;
  for (let i = keys.length - 1; i >= 0; i--) out = { [keys[i]]: out };
  return out as Record<string, unknown>;
}

/** One line per issue: `field.path: message`. */
export function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const where = i.path.length ? i.path.map(String).join(".") : "(top level)";
      return `${where}: ${i.message}`;
    })
    .join("; ");
}

export interface ConfigSources {
  preset: Preset;
  /** JSON config file (partial). */
  file?: string;
  /** `--set` assignments, applied after the file. */
  sets?: string[];
}

/** Validates a full config object; `what` names its source in the error. */
export function validateConfig<C>(exp: AnyExperiment, value: unknown, what: string): C {
  const r = exp.schema.safeParse(value);
  if (!r.success) throw new ExperimentError(`${what}: ${formatZodError(r.error)}`);
  return r.data as C;
}

export function resolveConfig<C>(exp: AnyExperiment, src: ConfigSources): C {
  let cfg: Json = exp.defaults(src.preset);
  let what = `${exp.name} config (preset ${src.preset})`;
  if (src.file !== undefined) {
    const json = readJsonFile(src.file, "--config");
    if (!isPlainObject(json))
      throw new ExperimentError(`--config ${src.file}: expected a JSON object of config fields`);
    cfg = mergeDeep(cfg, json);
    what = `--config ${src.file}`;
  }
  for (const s of src.sets ?? []) cfg = mergeDeep(cfg, parseSet(s));
  if (src.sets?.length) what += ` with --set ${src.sets.join(" ")}`;
  return validateConfig<C>(exp, cfg, what);
}
