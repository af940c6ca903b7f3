/**
 * The README's table of TrainConfig fields, generated from the schema's descriptions
 * and `defaultTrainConfig`, so the documentation cannot drift from what is checked.
 * configTable.test.ts fails when packages/train/README.md holds another table.
 */
import { z } from "zod";
import { defaultTrainConfig } from "./config";
import { trainConfigFieldsShape } from "./configSchema";

function fmt(v: unknown): string {
  return v === undefined ? "absent" : `\`${JSON.stringify(v)}\``;
}

function defaultOf(path: string[]): string {
  const at = (task: "classifier" | "denoiser") =>
    path.reduce<unknown>(
      (o, k) => (o as Record<string, unknown> | undefined)?.[k],
      defaultTrainConfig(task, task === "classifier" ? "convnet" : "unet"),
    );
  const c = fmt(at("classifier"));
  const d = fmt(at("denoiser"));
  if (path[0] === "task" || path[0] === "arch") return "—";
  return c === d ? c : `classifier ${c}, denoiser ${d}`;
}

/** One markdown row per field (sections' fields by their dotted path). */
export function trainConfigTable(): string {
  const rows = ["| field | default | meaning |", "|---|---|---|"];
  const add = (path: string[], s: z.ZodType) => {
    const d = s.description ?? (s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType).description : undefined);
    rows.push(`| \`${path.join(".")}\` | ${defaultOf(path)} | ${d ?? ""} |`);
  };
  for (const [key, s] of Object.entries(trainConfigFieldsShape) as [string, z.ZodType][]) {
    const inner = s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s;
    if (inner instanceof z.ZodObject && inner.description === undefined) {
      for (const [k, f] of Object.entries(inner.shape) as [string, z.ZodType][]) add([key, k], f);
    } else add([key], s);
    // A union's variant fields (noise's gaussian options) are documented one by one.
    if (inner instanceof z.ZodDiscriminatedUnion)
      for (const o of inner.options as z.ZodObject[])
        for (const [k, f] of Object.entries(o.shape) as [string, z.ZodType][])
          if (k !== "kind" && !["abarMin", "abarMax"].includes(k)) add([key, k], f);
  }
  return rows.join("\n");
}
