/**
 * phase-transition: the forward-backward experiment (SPEC.md section 5) with exact BP.
 * Real trees are noised to signal level abar, one exact posterior tree is drawn, and
 * the fraction of unchanged symbols is measured at every level, for several depths L.
 */
import { z } from "zod";
import { randomRhm } from "@ghmkit/ghm";
import { forwardBackward } from "@ghmkit/diffusion";
import { asUserInput } from "../errors";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, intList } from "../schemas";
import { crossingDown, groupBy, linspace, num } from "../stats";
import type { Experiment, Preset, Row } from "../types";

const schema = z.strictObject({
  /** RHM shape shared by every depth. */
  grammar: z.strictObject({ S: int(2, 4096), classes: int(2, 4096), k: int(1, 4096), arity: int(2, 16) }),
  depths: intList(1, 16),
  /** Noise processes of the leaves: "vp" (Gaussian, SPEC 5), "mask", "uniform". */
  processes: z.array(z.enum(["vp", "mask", "uniform"])).min(1),
  /** Noise levels, evenly spaced in 1 - abar over [minNoise, maxNoise]. */
  levels: int(2, 1000),
  minNoise: z.number().gt(0).lt(1),
  maxNoise: z.number().gt(0).lt(1),
  /** Real trees per noise level. */
  n: int(1, 1_000_000),
  seeds: z.strictObject({ grammar: int(0), data: int(0) }),
  /** Depth shown level by level. */
  detailDepth: int(1, 16),
}).refine((c) => c.minNoise < c.maxNoise, { message: "minNoise must be below maxNoise", path: ["minNoise"] });
export type PhaseTransitionConfig = z.infer<typeof schema>;

function defaults(preset: Preset): PhaseTransitionConfig {
  return {
    grammar: { S: 8, classes: 8, k: 2, arity: 2 },
    depths: preset === "tiny" ? [2, 3] : preset === "quick" ? [2, 3, 4, 5] : [2, 3, 4, 5, 6],
    processes: preset === "tiny" ? ["vp"] : ["vp", "mask"],
    levels: preset === "tiny" ? 5 : preset === "quick" ? 25 : 41,
    minNoise: 0.02,
    maxNoise: 0.98,
    n: preset === "tiny" ? 50 : preset === "quick" ? 1000 : 4000,
    seeds: { grammar: 0, data: 1 },
    detailDepth: 3,
  };
}

export const phaseTransition: Experiment<PhaseTransitionConfig> = {
  name: "phase-transition",
  title: "Forward-backward phase transition (exact BP)",
  claim:
    "noising a real sample and drawing x_0 from the exact posterior (BP) keeps the root class up to a critical noise level and then loses it abruptly, while low-level symbols change gradually (Sclocchi, Favero, Wyart 2025).",
  schema,
  defaults,
  usesTensors: false,
  jobs: (c) => c.processes.flatMap((process) => c.depths.map((L) => ({ id: `${process}-L${L}`, params: { process, L } }))),
  async run(c, job, ctx) {
    const { process, L } = job.params as { process: "vp" | "mask" | "uniform"; L: number };
    const g = asUserInput(`grammar (depth ${L})`, () => randomRhm({ ...c.grammar, depth: L, seed: c.seeds.grammar }));
    const noise = linspace(c.minNoise, c.maxNoise, c.levels);
    // The same real trees at every level (each level with fresh noise), as forwardBackward does.
    const res = forwardBackward({ grammar: g, process, abars: noise.map((x) => 1 - x), n: c.n, seed: c.seeds.data });
    ctx.onProgress?.({ done: 1, total: 1 });
    return res.flatMap((r, i) => r.levelAgreement.map((agreement, level) => ({ process, L, abar: r.abar, noise: noise[i], level, agreement })));
  },
  figures(c, rows) {
    const cls = rows.filter((r) => r.level === 0).map((r) => ({ ...r, depth: `L = ${r.L}` }));
    const detail = rows.filter((r) => r.L === c.detailDepth).map((r) => ({ ...r, node: `level ${r.level}${r.level === 0 ? " (class)" : r.level === c.detailDepth ? " (leaves)" : ""}` }));
    return [
      {
        name: "class-agreement",
        title: "Root-class agreement after forward-backward, against the noise level 1 - abar, for each depth L",
        spec: lineChart({
          title: "Class kept by x_0 ~ p(x_0 | x_t) (exact BP)",
          rows: cls,
          x: { field: "noise", title: "noise level 1 - abar" },
          y: { field: "agreement", title: "P(class unchanged)", domain: [0, 1] },
          color: { field: "depth", title: "depth" },
          column: c.processes.length > 1 ? { field: "process", title: "noise process" } : undefined,
        }),
      },
      {
        name: "level-agreement",
        title: `Agreement of each level's symbols (L = ${c.detailDepth}) against the noise level`,
        spec: lineChart({
          title: `Symbols unchanged per level, L = ${c.detailDepth}`,
          rows: detail,
          x: { field: "noise", title: "noise level 1 - abar" },
          y: { field: "agreement", title: "fraction unchanged", domain: [0, 1] },
          color: { field: "node", title: "tree level" },
          column: c.processes.length > 1 ? { field: "process", title: "noise process" } : undefined,
        }),
      },
    ];
  },
  summarize(c, rows) {
    const chance = 1 / c.grammar.classes;
    const mid = (1 + chance) / 2;
    const table: (string | number | null)[][] = [];
    const headline: Record<string, number | string | null> = {};
    const findings: string[] = [];
    for (const [key, rs] of groupBy(rows.filter((r) => r.level === 0), (r) => `${r.process} ${r.L}`)) {
      const [process, L] = key.split(" ");
      rs.sort((a, b) => num(a.noise) - num(b.noise));
      const xs = rs.map((r) => num(r.noise));
      const ys = rs.map((r) => num(r.agreement));
      // Width of the drop: from 90% to 10% of the way between perfect agreement and chance.
      const hi = crossingDown(xs, ys, chance + 0.9 * (1 - chance));
      const lo = crossingDown(xs, ys, chance + 0.1 * (1 - chance));
      const crit = crossingDown(xs, ys, mid);
      table.push([process, Number(L), crit, hi !== null && lo !== null ? lo - hi : null, ys[0], ys[ys.length - 1]]);
      headline[`critical noise ${process} L=${L}`] = crit;
    }
    const vp = table.filter((r) => r[0] === c.processes[0]);
    if (vp.length > 0) {
      findings.push(
        `Root-class agreement under ${c.processes[0]} noise falls to half-way between 1 and chance (1/C = ${fmt(chance)}) at noise ` +
          vp.map((r) => `${r[2] === null ? "beyond the grid" : fmt(r[2] as number, 3)} (L = ${r[1]})`).join(", ") +
          `; the 90%-to-10% drop spans ` +
          vp.map((r) => `${r[3] === null ? "–" : fmt(r[3] as number, 3)} (L = ${r[1]})`).join(", ") +
          ` in 1 - abar.`,
      );
    }
    const leaves = rows.filter((r) => r.L === c.detailDepth && r.level === c.detailDepth && r.process === c.processes[0]);
    const classes = rows.filter((r) => r.L === c.detailDepth && r.level === 0 && r.process === c.processes[0]);
    if (leaves.length > 0 && classes.length > 0) {
      const at = (rs: Row[], x: number) => rs.reduce((best, r) => (Math.abs(num(r.noise) - x) < Math.abs(num(best.noise) - x) ? r : best));
      const x = 0.5;
      findings.push(
        `At noise 1 - abar = ${fmt(num(at(classes, x).noise), 3)} (L = ${c.detailDepth}, ${c.processes[0]}), the class is kept with probability ${fmt(num(at(classes, x).agreement), 3)} and a leaf with probability ${fmt(num(at(leaves, x).agreement), 3)}.`,
      );
    }
    findings.push(`${c.n} real trees per noise level, ${c.levels} levels; exact BP posterior sampling, no learning.`);
    return { header: ["process", "L", "critical noise (half-way to chance)", "width (90%→10%)", "agreement at min noise", "agreement at max noise"], rows: table, headline, findings, verdicts: [] };
  },
};
