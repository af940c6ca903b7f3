/**
 * denoising-sample-complexity: the paper's central claim, measured. For RHMs of
 * several depths L (d = m^L leaves) and vocabulary/rule settings, a U-Net and its
 * ablations (U-Net without long skips, flat ConvNet, MLP) are trained as denoisers
 * (Gaussian VP noise, abar drawn in a range) on P fixed samples, for P on a log
 * grid. The quantity is the excess risk MSE / Bayes MSE - 1 on UNSEEN test
 * sequences (the population value beside it); P*(eps) is the smallest P whose
 * seed-mean excess risk is <= eps (interpolated in log P, with an interval, or
 * "not reached in the grid"). How P* grows with L tells the architectures apart.
 *
 * What the sources state: SPEC.md ("learning it has polynomial sample complexity")
 * and the paper's abstract ("an efficient sample complexity bound") give no formula.
 * The mechanism is weight sharing: the U-Net that implements BP has a number of
 * parameters that grows with L = log_m d, not with d, so the bound is polynomial
 * in L (polylogarithmic in d). A finite grid cannot separate "polynomial in L"
 * from "exponential in L" in general; what is tested is the model
 * P* = c d^a = c m^(a L) (log P* linear in L), fitted per architecture, with two
 * rules: (1) the U-Net's exponent a lies below log_m k, the exponent of C k^L (the
 * growth Cagnetta et al. 2024 measured for ConvNet classifiers on the RHM, i.e.
 * exponential in L at the rate of the rule count), and (2) each ablation's
 * exponent exceeds the U-Net's. P* = c L^b is fitted beside it for reference.
 */
import { z } from "zod";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, intList, repeatsSchema, seedsOf, seedsSchema, trainSchema, unitOpen, withRepeats } from "../schemas";
import {
  aggregateSeeds,
  crossing,
  describeCrossing,
  fitPowerLaw,
  formatInterval,
  groupRows,
  intervalOf,
  type meanInterval,
} from "../statistics";
import type { Crossing, LineFit } from "../statistics";
import type { VerdictValue } from "../statistics";
import { num } from "../stats";
import { trainJob } from "../training";
import type { Experiment, Preset, Row, Verdict } from "../types";
import { ARCH_LABEL } from "./classification";
import { DENOISER_FIELDS, denoiserRows } from "./denoisingRows";

const ARCHS = ["unet", "unet-noskip", "flat", "mlp"] as const;
type DenoiserArch = (typeof ARCHS)[number];

const settingSchema = z.strictObject({ S: int(2, 4096), classes: int(2, 4096), k: int(1, 4096) });
export type RhmSetting = z.infer<typeof settingSchema>;

const schema = z.strictObject({
  /** Vocabulary / rule settings of the RHM (S symbols per level, C classes, k rules per symbol). */
  settings: z.array(settingSchema).min(1),
  /** m: children per node. */
  arity: int(2, 16),
  /** Depths L (d = m^L leaves). */
  depths: intList(1, 16),
  archs: z.array(z.enum(ARCHS)).min(1),
  /** Training-set sizes P (a log grid). */
  P: intList(1, 4_000_000),
  seeds: seedsSchema,
  repeats: repeatsSchema,
  /** Training and test noise: abar uniform in [abarMin, abarMax] per sequence. */
  noise: z
    .strictObject({ abarMin: unitOpen, abarMax: unitOpen })
    .refine((n) => n.abarMin <= n.abarMax, { message: "abarMin must be <= abarMax", path: ["abarMin"] }),
  /** Fixed signal levels abar evaluated beside the mixed test set. */
  evalAbar: z.array(unitOpen),
  /** eps: P*(eps) is the smallest P with unseen excess risk MSE / Bayes - 1 <= eps. */
  epsilon: z.number().gt(0),
  train: trainSchema,
});
export type DenoisingSampleComplexityConfig = z.infer<typeof schema>;

function defaults(preset: Preset): DenoisingSampleComplexityConfig {
  const full = preset === "full";
  return {
    settings:
      preset === "tiny"
        ? [{ S: 4, classes: 2, k: 2 }]
        : full
          ? [
              { S: 8, classes: 8, k: 2 },
              { S: 16, classes: 16, k: 4 },
            ]
          : [{ S: 16, classes: 16, k: 4 }],
    arity: 2,
    depths: preset === "tiny" ? [2, 3] : full ? [2, 3, 4, 5] : [2, 3],
    archs:
      preset === "tiny" ? ["unet", "mlp"] : full ? ["unet", "unet-noskip", "flat", "mlp"] : ["unet", "unet-noskip"],
    P: preset === "tiny" ? [16] : full ? [32, 128, 512, 2048] : [64, 1024],
    seeds: { grammar: 10, data: 11, init: 12, noise: 13 },
    repeats: preset === "tiny" ? 2 : 3,
    noise: { abarMin: 0.05, abarMax: 0.95 },
    evalAbar: preset === "tiny" ? [0.5] : [0.25, 0.5, 0.75],
    epsilon: preset === "tiny" ? 0.5 : 0.25,
    train: {
      width: preset === "tiny" ? 8 : full ? 24 : 16,
      extraConvs: 1,
      steps: preset === "tiny" ? 4 : full ? 350 : 120,
      batchSize: 32,
      lr: 5e-3,
      testSize: preset === "tiny" ? 32 : full ? 512 : 256,
    },
  };
}

export const settingKey = (s: RhmSetting): string => `S${s.S}-C${s.classes}-k${s.k}`;
const label = (arch: unknown): string => ARCH_LABEL[String(arch)] ?? String(arch);

/** P*(eps) of one architecture at one depth, from the seed rows of its mixed-noise evaluations. */
export interface PStar {
  setting: string;
  arch: string;
  L: number;
  d: number;
  /** From the unseen excess risk; null when no P had an unseen test set. */
  unseen: Crossing | null;
  population: Crossing;
  /** Grid points whose unseen set was empty (the training set covers the grammar's support). */
  noUnseenAt: number[];
}

/** The points {P, seed interval of `field`} of mixed rows, P ascending; Ps where every seed's value is null are left out. */
function curve(rows: Row[], field: string): { x: number; y: ReturnType<typeof meanInterval> }[] {
  return groupRows(rows, ["P"])
    .map((g) => ({ x: num(g.key.P), y: intervalOf(g.rows, field) }))
    .filter((p): p is { x: number; y: ReturnType<typeof meanInterval> } => p.y !== null)
    .sort((a, b) => a.x - b.x);
}

export function pStars(c: DenoisingSampleComplexityConfig, rows: Row[]): PStar[] {
  const mixed = rows.filter((r) => r.noise === "mixed");
  const out: PStar[] = [];
  for (const g of groupRows(mixed, ["setting", "arch", "L"])) {
    const u = curve(g.rows, "excess");
    const p = curve(g.rows, "excessPop");
    const Ps = [...new Set(g.rows.map((r) => num(r.P)))].sort((a, b) => a - b);
    const L = num(g.key.L);
    out.push({
      setting: String(g.key.setting),
      arch: String(g.key.arch),
      L,
      d: c.arity ** L,
      unseen: u.length ? crossing(u, c.epsilon, { direction: "down" }) : null,
      population: crossing(p, c.epsilon, { direction: "down" }),
      noUnseenAt: Ps.filter((P) => !u.some((q) => q.x === P)),
    });
  }
  return out;
}

/** Bounds [lo, hi] on P* implied by a crossing (0 and Infinity where the grid says nothing). */
export function pStarBounds(cr: Crossing | null): [number, number] {
  if (cr === null) return [0, Infinity];
  if (cr.status === "below-grid") return [0, cr.first];
  if (cr.status === "not-reached") return [cr.last, Infinity];
  return [cr.lo ?? 0, cr.hi ?? Infinity];
}

/** How P* grows with depth for one architecture in one setting. */
export interface Growth {
  setting: string;
  arch: string;
  /** Depths whose P* crossed inside the grid, of all depths. */
  crossed: number;
  depths: number;
  /** The exponent a of P* = c d^a: estimate (null when it cannot be fitted) and 95% interval (-Infinity / Infinity when unbounded). */
  a: number | null;
  aLo: number;
  aHi: number;
  /** "fit": least squares over every depth (all crossed, >= 3 of them); "bounds": from P* at the shallowest and deepest L, with intervals and not-reached bounds. */
  method: "fit" | "bounds";
  /** P* = c L^b beside it (null with fewer than 2 crossed depths). */
  fitL: LineFit | null;
  fitD: LineFit | null;
}

export function growth(_c: DenoisingSampleComplexityConfig, stars: PStar[]): Growth[] {
  const out: Growth[] = [];
  const keys = new Map<string, PStar[]>();
  for (const s of stars) {
    const k = JSON.stringify([s.setting, s.arch]);
    keys.set(k, [...(keys.get(k) ?? []), s]);
  }
  for (const list of keys.values()) {
    const ss = list.slice().sort((a, b) => a.L - b.L);
    const done = ss.filter((s) => s.unseen?.status === "crossed") as (PStar & {
      unseen: { status: "crossed"; x: number };
    })[];
    const fitD =
      done.length >= 2
        ? fitPowerLaw(
            done.map((s) => s.d),
            done.map((s) => s.unseen.x),
          )
        : null;
    const fitL =
      done.length >= 2
        ? fitPowerLaw(
            done.map((s) => s.L),
            done.map((s) => s.unseen.x),
          )
        : null;
    const base = { setting: ss[0].setting, arch: ss[0].arch, crossed: done.length, depths: ss.length, fitL, fitD };
    if (done.length === ss.length && done.length >= 3 && fitD && fitD.slopeLo !== null && fitD.slopeHi !== null) {
      out.push({ ...base, a: fitD.slope, aLo: fitD.slopeLo, aHi: fitD.slopeHi, method: "fit" });
      continue;
    }
    if (ss.length < 2) {
      out.push({ ...base, a: null, aLo: -Infinity, aHi: Infinity, method: "bounds" });
      continue;
    }
    const first = ss[0];
    const last = ss[ss.length - 1];
    const [lo0, hi0] = pStarBounds(first.unseen);
    const [lo1, hi1] = pStarBounds(last.unseen);
    const D = Math.log(last.d / first.d);
    const ratioLo = hi0 === Infinity ? 0 : lo1 / hi0;
    const ratioHi = lo0 === 0 || hi1 === Infinity ? Infinity : hi1 / lo0;
    const both = first.unseen?.status === "crossed" && last.unseen?.status === "crossed";
    const a = both ? Math.log((last.unseen as { x: number }).x / (first.unseen as { x: number }).x) / D : null;
    out.push({
      ...base,
      a,
      aLo: ratioLo === 0 ? -Infinity : Math.log(ratioLo) / D,
      aHi: ratioHi === Infinity ? Infinity : Math.log(ratioHi) / D,
      method: "bounds",
    });
  }
  return out;
}

const fmtA = (x: number): string => (x === Infinity ? "+inf" : x === -Infinity ? "-inf" : fmt(x, 3));
const describeA = (g: Growth): string =>
  `${g.a === null ? "–" : fmt(g.a, 3)} [${fmtA(g.aLo)}, ${fmtA(g.aHi)}] (${g.method === "fit" ? `least squares over ${g.depths} depths` : `shallowest vs deepest L`}; P* crossed at ${g.crossed} of ${g.depths} depths)`;

/** Supported when the whole interval is on the predicted side of the threshold, not supported when wholly on the other. */
function sideVerdict(lo: number, hi: number, threshold: number, below: boolean): VerdictValue {
  if (below ? hi < threshold : lo > threshold) return "supported";
  if (below ? lo > threshold : hi < threshold) return "not supported";
  return "inconclusive";
}

export function verdicts(c: DenoisingSampleComplexityConfig, grow: Growth[]): Verdict[] {
  const out: Verdict[] = [];
  const why = (v: VerdictValue, what: string, threshold: number, below: boolean): string => {
    const side = below ? "below" : "above";
    if (v === "supported") return `the 95% interval of ${what} lies ${side} ${fmt(threshold, 3)}`;
    if (v === "not supported")
      return `the 95% interval of ${what} lies ${below ? "above" : "below"} ${fmt(threshold, 3)}`;
    return `the 95% interval of ${what} contains ${fmt(threshold, 3)}${grow.some((g) => g.crossed < g.depths) ? " (or is unbounded: P* not reached in the grid at some depths)" : ""}; the grid cannot tell`;
  };
  for (const s of c.settings) {
    const key = settingKey(s);
    const u = grow.find((g) => g.setting === key && g.arch === "unet");
    if (!u) continue;
    const aRef = Math.log(s.k) / Math.log(c.arity);
    const v1 = sideVerdict(u.aLo, u.aHi, aRef, true);
    out.push({
      hypothesis: `${key}: the U-Net's P*(eps = ${c.epsilon}) grows slower with depth than C k^L (polynomially in L rather than exponentially; Mei 2024)`,
      quantity: `exponent a of P* = c d^a (d = ${c.arity}^L, L = ${c.depths.join(", ")}), unseen excess risk, against log_m k = ${fmt(aRef, 3)}`,
      measured: describeA(u),
      verdict: v1,
      why: why(v1, "a", aRef, true),
    });
    for (const g of grow.filter((x) => x.setting === key && x.arch !== "unet")) {
      const lo = g.aLo - u.aHi;
      const hi = g.aHi - u.aLo;
      const v = sideVerdict(lo, hi, 0, false);
      const diff = g.a !== null && u.a !== null ? fmt(g.a - u.a, 3) : "–";
      out.push({
        hypothesis: `${key}: P* of the ${label(g.arch)} grows faster with depth than P* of the U-Net`,
        quantity: `a(${label(g.arch)}) - a(U-Net), exponents of P* = c d^a; interval from the two intervals (conservative)`,
        measured: `${diff} [${fmtA(lo)}, ${fmtA(hi)}] (${label(g.arch)}: P* crossed at ${g.crossed} of ${g.depths} depths; U-Net: ${u.crossed} of ${u.depths})`,
        verdict: v,
        why: why(v, "the difference", 0, false),
      });
    }
  }
  return out;
}

export const denoisingSampleComplexity: Experiment<DenoisingSampleComplexityConfig> = {
  name: "denoising-sample-complexity",
  title: "Denoising sample complexity: P*(eps) of the U-Net and its ablations against depth",
  claim:
    "the U-Net implements BP denoising with weights shared across positions, so the training-set size P* it needs to reach a given excess risk grows polynomially in the depth L (Mei 2024), while architectures without the hierarchy or the long skips need more samples, growing faster with L.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    withRepeats(
      c.settings.flatMap((s) =>
        c.depths.flatMap((L) =>
          c.archs.flatMap((arch) =>
            c.P.map((P) => ({
              id: `${settingKey(s)}-L${L}-${arch}-P${P}`,
              params: { setting: settingKey(s), S: s.S, classes: s.classes, k: s.k, L, arch, P },
            })),
          ),
        ),
      ),
      c.repeats,
    ),
  async run(c, job, ctx) {
    const p = job.params as {
      setting: string;
      S: number;
      classes: number;
      k: number;
      L: number;
      arch: DenoiserArch;
      P: number;
      rep: number;
    };
    const r = await trainJob(
      {
        task: "denoiser",
        arch: p.arch,
        grammar: { S: p.S, classes: p.classes, k: p.k, arity: c.arity, depth: p.L },
        seeds: seedsOf(c.seeds, p.rep),
        train: c.train,
        P: p.P,
        noise: { kind: "gaussian", ...c.noise },
        evalAbar: c.evalAbar,
      },
      job.id,
      ctx,
    );
    return denoiserRows(
      { setting: p.setting, S: p.S, k: p.k, L: p.L, d: c.arity ** p.L, arch: p.arch, P: p.P, rep: p.rep },
      r.eval,
    );
  },
  figures(c, rows) {
    const agg = aggregateSeeds(
      rows.filter((r) => r.noise === "mixed"),
      ["setting", "L", "arch", "P"],
      ["excess", "excessPop"],
    );
    const figs = c.settings.map((s) => {
      const key = settingKey(s);
      const mine = agg.filter((r) => r.setting === key);
      const long: Row[] = [
        ...mine.map((r) => ({
          L: `L = ${r.L}`,
          P: r.P,
          value: r.excess,
          lo: r.excessLo,
          hi: r.excessHi,
          series: `${label(r.arch)} (unseen)`,
          reference: "unseen",
        })),
        ...mine.map((r) => ({
          L: `L = ${r.L}`,
          P: r.P,
          value: r.excessPop,
          lo: r.excessPopLo,
          hi: r.excessPopHi,
          series: `${label(r.arch)} (population)`,
          reference: "population",
        })),
      ];
      return {
        name: `excess-vs-P-${key}`,
        title: `${key}: excess risk MSE / Bayes - 1 against P, one panel per depth (solid: unseen test sequences; dashed: population test set; bars: 95% seed interval; eps = ${c.epsilon})`,
        spec: lineChart({
          title: `Excess denoising risk, ${key}`,
          rows: long,
          x: { field: "P", title: "training samples P", scale: "log" },
          y: { field: "value", title: "MSE / Bayes MSE - 1" },
          color: { field: "series", title: "denoiser (test set)" },
          dashed: { field: "reference", value: "population" },
          interval: { lo: "lo", hi: "hi" },
          column: { field: "L", title: "depth" },
        }),
      };
    });
    const stars = pStars(c, rows);
    const pts: Row[] = stars
      .filter((s) => s.unseen?.status === "crossed")
      .map((s) => {
        const cr = s.unseen as { x: number; lo: number | null; hi: number | null };
        return {
          setting: s.setting,
          L: s.L,
          d: s.d,
          Pstar: cr.x,
          lo: cr.lo ?? cr.x,
          hi: cr.hi ?? cr.x,
          series: label(s.arch),
        };
      });
    for (const [x, title] of [
      ["L", "depth L"],
      ["d", "leaves d = m^L"],
    ] as const) {
      figs.push({
        name: `pstar-vs-${x}`,
        title: `P*(eps = ${c.epsilon}) on unseen test data against ${title} (log scales${x === "L" ? " in P*" : ""}; bars: interval of the crossing; depths where P* was not reached in the grid are not drawn, see the findings)`,
        spec: lineChart({
          title: `P*(eps = ${c.epsilon}) against ${title}`,
          rows: pts,
          x: { field: x, title, scale: x === "d" ? "log" : "linear" },
          y: { field: "Pstar", title: "P*", scale: "log" },
          color: { field: "series", title: "denoiser" },
          interval: { lo: "lo", hi: "hi" },
          column: { field: "setting", title: "setting" },
        }),
      });
    }
    if (c.evalAbar.length > 0) {
      const Pmax = Math.max(...c.P);
      const lv = aggregateSeeds(
        rows.filter((r) => r.noise === "fixed" && r.P === Pmax),
        ["setting", "L", "arch", "abar"],
        ["excess"],
      );
      figs.push({
        name: "excess-vs-noise",
        title: `Unseen excess risk at fixed signal levels abar, P = ${Pmax} (bars: 95% seed interval), one panel per depth, every setting`,
        spec: lineChart({
          title: `Excess risk by noise level (P = ${Pmax})`,
          rows: lv.map((r) => ({ ...r, L: `L = ${r.L}`, series: `${label(r.arch)}, ${r.setting}` })),
          x: { field: "abar", title: "signal level abar (1 = clean)" },
          y: { field: "excess", title: "MSE / Bayes MSE - 1" },
          color: { field: "series", title: "denoiser, setting" },
          interval: { lo: "excessLo", hi: "excessHi" },
          column: { field: "L", title: "depth" },
        }),
      });
    }
    return figs;
  },
  summarize(c, rows) {
    const mixed = rows.filter((r) => r.noise === "mixed");
    const agg = aggregateSeeds(mixed, ["setting", "L", "arch", "P"], DENOISER_FIELDS);
    const order = (r: Row): number[] => [
      c.settings.findIndex((s) => settingKey(s) === r.setting),
      num(r.L),
      c.archs.indexOf(r.arch as DenoiserArch),
      num(r.P),
    ];
    agg.sort((a, b) => {
      const x = order(a);
      const y = order(b);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
      return 0;
    });
    const stars = pStars(c, rows);
    const grow = growth(c, stars);
    const fP = (x: number): string => fmt(Math.round(x));
    const findings: string[] = [];
    const headline: Record<string, number | string | null> = {};
    for (const g of grow) {
      const mine = stars.filter((s) => s.setting === g.setting && s.arch === g.arch).sort((a, b) => a.L - b.L);
      const per = mine.map((s) => {
        const empty = s.noUnseenAt.length ? `; no unseen test sequences at P = ${s.noUnseenAt.join(", ")}` : "";
        return `L = ${s.L}: ${s.unseen ? describeCrossing(s.unseen, fP) : "no unseen test data"} (population ${describeCrossing(s.population, fP)}${empty})`;
      });
      findings.push(`${g.setting}, ${label(g.arch)}: P*(eps = ${c.epsilon}) on unseen data, ${per.join("; ")}.`);
      const fits = [
        g.fitD
          ? `P* = c d^a: a = ${fmt(g.fitD.slope, 3)}${g.fitD.slopeLo !== null ? ` [${fmt(g.fitD.slopeLo, 3)}, ${fmt(g.fitD.slopeHi!, 3)}]` : " (2 points, no interval)"}, r2 ${fmt(g.fitD.r2, 3)}`
          : null,
        g.fitL
          ? `P* = c L^b: b = ${fmt(g.fitL.slope, 3)}${g.fitL.slopeLo !== null ? ` [${fmt(g.fitL.slopeLo, 3)}, ${fmt(g.fitL.slopeHi!, 3)}]` : ""}, r2 ${fmt(g.fitL.r2, 3)}`
          : null,
      ].filter((x) => x !== null);
      findings.push(
        `${g.setting}, ${label(g.arch)}: growth exponent a = ${describeA(g)}${fits.length ? `; least-squares fits over the crossed depths: ${fits.join("; ")}` : ""}.`,
      );
      headline[`${g.setting} ${g.arch} exponent a (P* ~ d^a)`] = g.a;
      for (const s of mine)
        headline[`${g.setting} ${g.arch} L=${s.L} P*`] =
          s.unseen?.status === "crossed"
            ? Math.round(s.unseen.x)
            : s.unseen
              ? describeCrossing(s.unseen, fP)
              : "no unseen data";
    }
    // Is P what limits the networks? A curve whose excess at the largest P is not
    // below the smallest P's (95% intervals) is flat in P: limited by the step budget or capacity.
    const curves = groupRows(agg, ["setting", "arch", "L"]).map((g) => {
      const pts = g.rows.filter((r) => r.excess !== null).sort((x, y) => num(x.P) - num(y.P));
      return pts.length >= 2 ? num(pts[pts.length - 1].excessHi) < num(pts[0].excessLo) : null;
    });
    const judged = curves.filter((x) => x !== null);
    if (judged.length > 0) {
      const falling = judged.filter((x) => x).length;
      findings.push(
        `${falling} of ${judged.length} unseen excess-risk curves fall significantly from the smallest to the largest P (95% intervals apart)${falling < judged.length ? `; the other ${judged.length - falling} are flat in P within their intervals, so at ${c.train.steps} steps they measure the step budget (optimisation), not the number of samples` : ""}.`,
      );
    }
    findings.push(
      `Every network: ${c.train.steps} Adam steps (a fixed step budget: larger P are seen fewer times each), batch ${c.train.batchSize} (at most P), width ${c.train.width}, peak lr ${c.train.lr}; noise abar ~ U[${c.noise.abarMin}, ${c.noise.abarMax}] in training and test; ${c.repeats} seeds per point (grammar, data, init, noise); Bayes MSE from exact BP on the same ${c.train.testSize} noisy test sequences. Settings: ${c.settings.map(settingKey).join(", ")}, m = ${c.arity}, L = ${c.depths.join(", ")}, architectures ${c.archs.map(label).join(", ")}.`,
    );
    const iv = (r: Row, f: string): string =>
      r[f] === null
        ? "–"
        : formatInterval({ mean: num(r[f]), lo: num(r[`${f}Lo`]), hi: num(r[`${f}Hi`]), sd: 0, n: num(r.n) }, (x) =>
            fmt(x, 3),
          );
    return {
      verdicts: verdicts(c, grow),
      header: [
        "setting",
        "L",
        "d",
        "arch",
        "P",
        "seeds",
        "excess (unseen)",
        "excess (population)",
        "overlap",
        "unseen rows",
      ],
      rows: agg.map((r) => [
        String(r.setting),
        num(r.L),
        c.arity ** num(r.L),
        label(r.arch),
        num(r.P),
        num(r.n),
        iv(r, "excess"),
        iv(r, "excessPop"),
        r.overlap === null ? null : fmt(num(r.overlap), 3),
        r.unseenCount === null ? null : fmt(num(r.unseenCount), 4),
      ]),
      headline,
      findings,
    };
  },
};
