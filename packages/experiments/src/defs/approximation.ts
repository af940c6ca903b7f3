/**
 * approximation: the BP-compiled U-Net and ConvNet with every exp and log replaced by
 * a one-hidden-layer ReLU net of width W, against exact BP (float64) on noisy test
 * sequences, for several widths W and depths L, over `repeats` seeds (grammar, data,
 * noise, ReLU knots). The paper's approximation argument: the error shrinks as W
 * grows. Per depth and seed a power law error ~ W^-a is fitted over the widths in the
 * asymptotic regime; a gets a 95% interval over seeds. Compiled networks need product
 * kernels, so this uses a random product grammar.
 */
import { z } from "zod";
import { runBP } from "@ghmkit/bp";
import { noisyEvidence, randomProductGrammar, Rng, sample } from "@ghmkit/ghm";
import { compileBPConvNet, compileBPUNet } from "@ghmkit/nets";
import { initBackend } from "@ghmkit/tensor";
import { asUserInput } from "../errors";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, intList, repeatsSchema, unitOpen, withRepeats } from "../schemas";
import {
  aggregateSeeds,
  fitLine,
  fitPowerLaw,
  formatInterval,
  groupRows,
  intervalVerdict,
  meanInterval,
} from "../statistics";
import type { Interval, LineFit, Verdict } from "../statistics";
import { num } from "../stats";
import type { Experiment, Preset, Row } from "../types";

const schema = z.strictObject({
  /** Random product grammar (Mei's GHM): M = (1 - mix) P + mix softmax(G), G ~ N(0, scale^2); vocab [classes, S, ..., S]. */
  grammar: z.strictObject({
    S: int(2, 4096),
    classes: int(2, 4096),
    arity: int(2, 16),
    mix: z.number().min(0).max(1),
    scale: z.number().min(0).max(100),
  }),
  /** Depths L (one grammar per depth and seed). */
  depths: intList(1, 16),
  /** W: hidden units of each scalar ReLU approximation of exp and log. */
  widths: intList(1, 100_000),
  /** exp is fitted on [-range, 0], log on [e^-range, max]; smaller inputs are clipped. */
  range: z.number().gt(0).max(1000),
  /**
   * The exponent is fitted over widths W >= fitMinWidth: the interpolation error behaves
   * like (range / W)^2 only once the knot spacing range / W is small (default 2 range).
   */
  fitMinWidth: int(1, 100_000),
  /** Test sequences and their Gaussian noise level abar. */
  n: int(1, 1_000_000),
  abar: unitOpen,
  /** Base seeds; repetition r uses seed + 1000 r for each. */
  seeds: z.strictObject({ grammar: int(0), data: int(0), noise: int(0), approx: int(0) }),
  /** Independent repetitions (grammar, data, noise and knot seeds) of every (L, W). */
  repeats: repeatsSchema,
});
export type ApproximationConfig = z.infer<typeof schema>;

function defaults(preset: Preset): ApproximationConfig {
  return {
    grammar: { S: 8, classes: 8, arity: 2, mix: 0.3, scale: 1 },
    depths: preset === "tiny" ? [2, 3] : preset === "quick" ? [2, 3, 4] : [2, 3, 4, 5, 6],
    widths:
      preset === "tiny"
        ? [8, 32, 128]
        : preset === "quick"
          ? [4, 8, 16, 32, 64, 128, 256]
          : [4, 8, 16, 32, 64, 128, 256, 512, 1024],
    range: 16,
    fitMinWidth: 32,
    n: preset === "tiny" ? 32 : preset === "quick" ? 256 : 512,
    abar: 0.5,
    seeds: { grammar: 0, data: 1, noise: 2, approx: 3 },
    repeats: preset === "tiny" ? 2 : preset === "quick" ? 3 : 5,
  };
}

/**
 * Parameters of the compiled networks at width W and depth L (W = null: exact exp/log).
 * Linear maps: per level and pass, the m nonzero blocks M_{l,j} (S_{l-1} x S_l) of the
 * block-diagonal weight, and the C log-prior entries of the readout. Each scalar ReLU
 * net of width W is the interpolant of its function at W + 1 knots: W + 1 knot positions
 * (hidden biases, input clipping) and W + 1 values (output weights as differences, output
 * bias) = 2 (W + 1). Counted once per layer, as a network that learned them would hold
 * them: an exp and a log per level and pass (the ConvNet has the upward pass, the U-Net
 * both), i.e. 2 L nets for the ConvNet and 4 L for the U-Net. (This implementation
 * shares one exp and one log net across layers: 4 (W + 1) distinct numbers.)
 */
export function compiledParamCount(
  g: { S: number; classes: number; arity: number },
  W: number | null,
  L: number,
): { unet: number; convnet: number; linear: number; relu: number } {
  const { S, classes: C, arity: m } = g;
  const linear = m * (C * S + (L - 1) * S * S);
  const net = W === null ? 0 : 2 * (W + 1);
  return { unet: 2 * linear + C + 4 * L * net, convnet: linear + C + 2 * L * net, linear, relu: net };
}

/** Largest intermediate tensor of one pass (floats); keeps wasm well inside its memory. */
const CHUNK_ELEMENTS = 1 << 22;

/** Mean over rows of the total variation 1/2 sum |p - q|, and the largest entry difference. */
function compare(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  width: number,
): { tv: number; maxAbs: number; agree: number } {
  const rows = p.length / width;
  let tv = 0;
  let maxAbs = 0;
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let ap = 0;
    let aq = 0;
    for (let j = 0; j < width; j++) {
      const a = p[r * width + j];
      const b = q[r * width + j];
      if (Number.isNaN(b)) throw new Error(`compiled network output is NaN at row ${r}`);
      s += Math.abs(a - b);
      maxAbs = Math.max(maxAbs, Math.abs(a - b));
      if (a > p[r * width + ap]) ap = j;
      if (b > q[r * width + aq]) aq = j;
    }
    tv += s / 2;
    if (ap === aq) agree++;
  }
  return { tv: tv / rows, maxAbs, agree: agree / rows };
}

export const NETWORKS = [
  { field: "leafTV", name: "U-Net: leaf marginals", short: "U-Net" },
  { field: "rootTV", name: "ConvNet: class posterior", short: "ConvNet" },
] as const;

/** An exponent fit of one (network, L, seed). */
export interface SeedExponent {
  network: string;
  L: number;
  rep: number;
  /** a in error ~ W^-a. */
  a: number;
  widths: number[];
}

export interface DepthExponent {
  network: string;
  L: number;
  a: Interval;
  widths: number[];
}

/**
 * Per (network, L, seed): fitPowerLaw of the error on W over the widths W >= fitMinWidth
 * whose error is above 10x the exact-weights (float32 rounding) floor of the same depth
 * and seed; a = -slope. At least 2 widths are needed. Per (network, L): a over seeds.
 */
export function exponentFits(c: ApproximationConfig, rows: Row[]): { seeds: SeedExponent[]; depths: DepthExponent[] } {
  const seeds: SeedExponent[] = [];
  for (const { key, rows: rs } of groupRows(rows, ["L", "rep"])) {
    const exact = rs.find((r) => r.W === null);
    for (const net of NETWORKS) {
      const floor = exact ? 10 * num(exact[net.field]) : 0;
      const pts = rs
        .filter((r) => r.W !== null && num(r.W) >= c.fitMinWidth && num(r[net.field]) > floor)
        .sort((a, b) => num(a.W) - num(b.W));
      if (pts.length < 2) continue;
      const f = fitPowerLaw(
        pts.map((r) => num(r.W)),
        pts.map((r) => num(r[net.field])),
      );
      seeds.push({
        network: net.short,
        L: num(key.L),
        rep: num(key.rep),
        a: -f.slope,
        widths: pts.map((r) => num(r.W)),
      });
    }
  }
  const depths: DepthExponent[] = groupRows(seeds as unknown as Row[], ["network", "L"]).map(({ key, rows: rs }) => {
    const ss = rs as unknown as SeedExponent[];
    return {
      network: String(key.network),
      L: num(key.L),
      a: meanInterval(ss.map((s) => s.a)),
      widths: [...new Set(ss.flatMap((s) => s.widths))].sort((a, b) => a - b),
    };
  });
  depths.sort((a, b) => (a.network === b.network ? a.L - b.L : a.network === "U-Net" ? -1 : 1));
  return { seeds, depths };
}

/**
 * Rule: "error decays polynomially in W" is supported when the exponent's 95% interval
 * lies above 0 at every depth, not supported when it lies below 0 at some depth (the
 * error grows with W), inconclusive otherwise or when no depth could be fitted.
 */
export function decayVerdict(network: string, depths: DepthExponent[]): Verdict {
  const hypothesis = `The compiled ${network} with ReLU exp/log approximates BP with an error decaying polynomially in W (error ~ W^-a, a > 0).`;
  const quantity =
    "exponent a of error ~ W^-a (mean TV to exact BP; power law fitted per depth and seed over the asymptotic widths; 95% t interval over seeds), at every depth";
  if (depths.length === 0)
    return {
      hypothesis,
      quantity,
      measured: "no depth with 2 fittable widths",
      verdict: "inconclusive",
      why: "nothing to fit",
    };
  const measured = depths.map((d) => `${formatInterval(d.a, (x) => fmt(x, 3))} (L = ${d.L})`).join(", ");
  const one = depths.map((d) => ({
    d,
    v:
      d.a.n < 2
        ? ({ verdict: "inconclusive", why: "one seed" } as const)
        : intervalVerdict(d.a.lo, d.a.hi, 0, `a at L = ${d.L}`),
  }));
  const down = one.find((o) => o.v.verdict === "not supported");
  if (down)
    return {
      hypothesis,
      quantity,
      measured,
      verdict: "not supported",
      why: `${down.v.why}: the error grows with W there`,
    };
  if (one.every((o) => o.v.verdict === "supported"))
    return {
      hypothesis,
      quantity,
      measured,
      verdict: "supported",
      why: "at every depth the 95% interval of a lies above 0",
    };
  return {
    hypothesis,
    quantity,
    measured,
    verdict: "inconclusive",
    why: one
      .filter((o) => o.v.verdict !== "supported")
      .map((o) => o.v.why)
      .join("; "),
  };
}

/**
 * Rule: "at fixed W the error grows with depth" from the slope of ln(error) against L at
 * the largest width (least squares over every depth and seed): intervalVerdict around 0.
 */
export function depthVerdict(
  network: string,
  field: string,
  W: number,
  rows: Row[],
): { verdict: Verdict; fit: LineFit | null } {
  const hypothesis = `At fixed width the ${network}'s error grows with depth L (the approximation errors of 2L or 4L layers compound).`;
  const quantity = `slope of ln(mean TV) against L at W = ${W} (least squares over every depth and seed; 95% t interval)`;
  const pts = rows.filter((r) => r.W === W && num(r[field]) > 0);
  const Ls = new Set(pts.map((r) => num(r.L)));
  if (Ls.size < 2 || pts.length < 3)
    return {
      verdict: {
        hypothesis,
        quantity,
        measured: "fewer than 2 depths",
        verdict: "inconclusive",
        why: "no trend can be fitted",
      },
      fit: null,
    };
  const fit = fitLine(
    pts.map((r) => num(r.L)),
    pts.map((r) => Math.log(num(r[field]))),
  );
  const f3 = (x: number) => fmt(x, 3);
  const measured = `${f3(fit.slope)} [${f3(fit.slopeLo!)}, ${f3(fit.slopeHi!)}] per level (error x ${f3(Math.exp(fit.slope))} per level)`;
  return {
    verdict: { hypothesis, quantity, measured, ...intervalVerdict(fit.slopeLo!, fit.slopeHi!, 0, "the slope") },
    fit,
  };
}

export const approximation: Experiment<ApproximationConfig> = {
  name: "approximation",
  title: "BP-compiled networks with ReLU approximations, by width W and depth L",
  claim:
    "U-Nets and ConvNets whose weights are set from the grammar compute BP; replacing exp and log by ReLU MLPs of width W approximates it with an error that shrinks polynomially as W grows.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) =>
    withRepeats(
      c.depths.flatMap((L) => [
        { id: `L${L}-exact`, params: { L, W: null } },
        ...c.widths.map((W) => ({ id: `L${L}-W${W}`, params: { L, W } })),
      ]),
      c.repeats,
    ),
  async run(c, job, ctx) {
    const { L: depth, W, rep } = job.params as { L: number; W: number | null; rep: number };
    await initBackend();
    const { S, classes, arity, mix, scale } = c.grammar;
    const seed = (s: number) => s + 1000 * rep;
    const g = asUserInput("approximation grammar", () =>
      randomProductGrammar({ depth, arity, vocab: S, classes, p: mix, scale, seed: seed(c.seeds.grammar) }),
    );
    const data = sample(g, c.n, new Rng(seed(c.seeds.data)));
    const ev = noisyEvidence(
      data.x,
      data.n,
      data.d,
      S,
      { kind: "vp", abar: c.abar },
      new Rng(seed(c.seeds.noise)),
    ).evidence;
    const exact = runBP(g, ev);
    const options = W === null ? {} : { approx: { width: W, seed: seed(c.seeds.approx), range: c.range } };
    const unet = compileBPUNet(g, options);
    const conv = compileBPConvNet(g, { ...options, output: "prob" });
    try {
      const leaves = new Float64Array(c.n * data.d * S);
      const root = new Float64Array(c.n * classes);
      // Rows per pass: each exp/log layer holds rows x nodes x S x W floats, and wasm memory is small.
      const widest = Math.max(...g.vocab.map((s, l) => arity ** l * s * (l < depth ? arity : 1)));
      const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / (widest * (W ?? 1))));
      for (let start = 0; start < c.n; start += chunk) {
        const rows = Math.min(chunk, c.n - start);
        const part = {
          batch: rows,
          d: ev.d,
          S: ev.S,
          e: ev.e.subarray(start * ev.d * ev.S, (start + rows) * ev.d * ev.S),
        };
        const leafT = unet.predict(part);
        leaves.set(await leafT.data(), start * data.d * S);
        leafT.dispose();
        const rootT = conv.predict(part);
        root.set(await rootT.data(), start * classes);
        rootT.dispose();
      }
      const leaf = compare(exact.marginals![depth], leaves, S);
      const cls = compare(exact.root, root, classes);
      ctx.onProgress?.({ done: 1, total: 1 });
      const params = compiledParamCount(c.grammar, W, depth);
      const row: Row = {
        variant: W === null ? "exact weights, float32" : "ReLU approximation",
        L: depth,
        W,
        rep,
        seedGrammar: seed(c.seeds.grammar),
        unetParams: params.unet,
        convParams: params.convnet,
        leafTV: leaf.tv,
        leafMaxAbs: leaf.maxAbs,
        leafArgmaxAgreement: leaf.agree,
        rootTV: cls.tv,
        rootMaxAbs: cls.maxAbs,
        classArgmaxAgreement: cls.agree,
      };
      return [row];
    } finally {
      unet.dispose();
      conv.dispose();
    }
  },
  figures(c, rows) {
    const agg = aggregateSeeds(rows, ["L", "W"], ["leafTV", "rootTV"]);
    const long = (pick: (r: Row) => boolean, extra: (r: Row) => Row) =>
      NETWORKS.flatMap((net) =>
        agg.filter(pick).map((r) => ({
          network: net.name,
          L: r.L,
          W: r.W,
          error: r[net.field],
          errorLo: r[`${net.field}Lo`],
          errorHi: r[`${net.field}Hi`],
          ...extra(r),
        })),
      );
    const approx = long(
      (r) => r.W !== null,
      (r) => ({ depth: `L = ${r.L}`, reference: "ReLU approximation" }),
    );
    // The exact-weights (float32) floor of each depth, drawn dashed across the widths.
    const floor = NETWORKS.flatMap((net) =>
      agg
        .filter((r) => r.W === null)
        .flatMap((e) =>
          c.widths.map((W) => ({
            network: net.name,
            L: e.L,
            W,
            error: e[net.field],
            errorLo: e[`${net.field}Lo`],
            errorHi: e[`${net.field}Hi`],
            depth: `L = ${e.L}`,
            reference: "exact weights (float32)",
          })),
        ),
    );
    const byDepth = long(
      (r) => r.W !== null,
      () => ({}),
    );
    const { depths } = exponentFits(c, rows);
    const expRows = depths.map((d) => ({ network: d.network, L: d.L, a: d.a.mean, aLo: d.a.lo, aHi: d.a.hi }));
    const seedsNote = `mean of ${c.repeats} seeds, bars: 95% interval`;
    return [
      {
        name: "error-vs-width",
        title: `Mean total-variation error of the compiled networks against exact BP, by ReLU width W, per depth L (abar = ${c.abar}; ${seedsNote}; dashed: exact weights in float32)`,
        spec: lineChart({
          title: "Compiled BP with ReLU exp/log: error against width",
          rows: [...approx, ...floor],
          x: { field: "W", title: "ReLU width W", scale: "log" },
          y: { field: "error", title: "mean TV distance to exact BP", scale: "log" },
          color: { field: "depth", title: "depth" },
          dashed: { field: "reference", value: "exact weights (float32)" },
          interval: { lo: "errorLo", hi: "errorHi" },
          column: { field: "network", title: "network" },
        }),
      },
      {
        name: "error-vs-depth",
        title: `Mean TV error against depth L at each width W (${seedsNote})`,
        spec: lineChart({
          title: "Compiled BP with ReLU exp/log: error against depth",
          rows: byDepth,
          x: { field: "L", title: "depth L" },
          y: { field: "error", title: "mean TV distance to exact BP", scale: "log" },
          color: { field: "W", title: "ReLU width W" },
          interval: { lo: "errorLo", hi: "errorHi" },
          column: { field: "network", title: "network" },
        }),
      },
      {
        name: "exponent-vs-depth",
        title: `Fitted exponent a of error ~ W^-a (widths W >= ${c.fitMinWidth}) against depth L (${seedsNote})`,
        spec: lineChart({
          title: "Decay exponent a against depth",
          rows: expRows,
          x: { field: "L", title: "depth L" },
          y: { field: "a", title: "exponent a" },
          color: { field: "network", title: "network" },
          interval: { lo: "aLo", hi: "aHi" },
        }),
      },
    ];
  },
  summarize(c, rows) {
    const f3 = (x: number) => fmt(x, 3);
    const agg = aggregateSeeds(
      rows,
      ["L", "W"],
      ["leafTV", "rootTV", "classArgmaxAgreement", "unetParams", "convParams"],
    );
    agg.sort((a, b) =>
      a.L !== b.L ? num(a.L) - num(b.L) : a.W === null ? -1 : b.W === null ? 1 : num(a.W) - num(b.W),
    );
    const ivOf = (r: Row, f: string): Interval => ({
      mean: num(r[f]),
      lo: num(r[`${f}Lo`]),
      hi: num(r[`${f}Hi`]),
      sd: 0,
      n: num(r.n),
    });
    const cell = (r: Row, f: string) => formatInterval(ivOf(r, f), f3);
    const { seeds, depths } = exponentFits(c, rows);
    const headline: Record<string, number | null> = {};
    const findings: string[] = [];
    const verdicts: Verdict[] = [];
    const Wmax = Math.max(...rows.filter((r) => r.W !== null).map((r) => num(r.W)), -Infinity);
    for (const net of NETWORKS) {
      const ds = depths.filter((d) => d.network === net.short);
      verdicts.push(decayVerdict(net.short, ds));
      for (const d of ds) headline[`${net.short} exponent a L=${d.L}`] = d.a.mean;
      if (ds.length) {
        findings.push(
          `${net.name}: error ~ W^-a with a = ${ds.map((d) => `${formatInterval(d.a, f3)} (L = ${d.L})`).join(", ")} (fitted per seed over W in {${ds[0].widths.join(", ")}}; interpolation theory gives a = 2 for smooth exp/log).`,
        );
      }
      const ss = seeds.filter((s) => s.network === net.short);
      if (new Set(ss.map((s) => s.L)).size >= 2 && ss.length >= 3) {
        const f = fitLine(
          ss.map((s) => s.L),
          ss.map((s) => s.a),
        );
        headline[`${net.short} exponent slope da/dL`] = f.slope;
        findings.push(
          `${net.short}: the exponent changes by ${f3(f.slope)} [${f3(f.slopeLo!)}, ${f3(f.slopeHi!)}] per level of depth (least squares over depths and seeds).`,
        );
      }
      if (Number.isFinite(Wmax)) {
        const dv = depthVerdict(net.short, net.field, Wmax, rows);
        verdicts.push(dv.verdict);
        if (dv.fit) headline[`${net.short} ln error slope per level at W=${Wmax}`] = dv.fit.slope;
      }
    }
    for (const L of c.depths) {
      const at = agg.filter((r) => r.L === L);
      const last = at.filter((r) => r.W !== null).pop();
      const exact = at.find((r) => r.W === null);
      if (last) {
        headline[`U-Net leaf TV L=${L} W=${last.W}`] = num(last.leafTV);
        findings.push(
          `L = ${L}, W = ${last.W}: U-Net leaf TV ${cell(last, "leafTV")}, ConvNet class TV ${cell(last, "rootTV")}, argmax class agrees with BP on ${f3(num(last.classArgmaxAgreement) * 100)}% of sequences; ${num(last.unetParams)} U-Net / ${num(last.convParams)} ConvNet parameters` +
            (exact ? `; exact exp/log in float32: leaf TV ${cell(exact, "leafTV")} (the rounding floor).` : "."),
        );
      }
    }
    findings.push(
      `Random product grammar S = ${c.grammar.S}, C = ${c.grammar.classes}, m = ${c.grammar.arity} (mix ${c.grammar.mix}); ${c.n} sequences per (L, W, seed) with Gaussian noise at abar = ${c.abar}; approximation range R = ${c.range}; ${c.repeats} seeds (grammar, data, noise, knots). Parameters count one ReLU net (2 (W + 1) numbers) per exp/log layer (2L in the ConvNet, 4L in the U-Net) plus the grammar's block weights.`,
    );
    return {
      verdicts,
      header: ["L", "W", "U-Net params", "ConvNet params", "U-Net leaf TV", "ConvNet class TV", "class argmax agrees"],
      rows: agg.map((r) => [
        num(r.L),
        r.W === null ? "exact" : num(r.W),
        num(r.unetParams),
        num(r.convParams),
        cell(r, "leafTV"),
        cell(r, "rootTV"),
        f3(num(r.classArgmaxAgreement)),
      ]),
      headline,
      findings,
    };
  },
};
