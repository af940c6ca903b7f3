/**
 * approximation: the BP-compiled U-Net and ConvNet with every exp and log replaced by
 * a one-hidden-layer ReLU net of width W, against exact BP (float64) on noisy test
 * sequences. The paper's approximation argument: the error shrinks as W grows.
 * Compiled networks need product kernels, so this uses a random product grammar.
 */
import { z } from "zod";
import { runBP } from "@ghmkit/bp";
import { gaussianEvidence, randomProductGrammar, Rng, sample } from "@ghmkit/ghm";
import { compileBPConvNet, compileBPUNet } from "@ghmkit/nets";
import { initBackend } from "@ghmkit/tensor";
import { asUserInput } from "../errors";
import { fmt } from "../format";
import { lineChart } from "../report/charts";
import { int, intList, unitOpen } from "../schemas";
import { num } from "../stats";
import type { Experiment, Preset, Row } from "../types";

const schema = z.strictObject({
  /** Random product grammar (Mei's GHM): M = (1 - mix) P + mix softmax(G), G ~ N(0, scale^2). */
  grammar: z.strictObject({ S: int(2, 4096), classes: int(2, 4096), arity: int(2, 16), depth: int(1, 16), mix: z.number().min(0).max(1), scale: z.number().min(0).max(100) }),
  /** W: hidden units of each scalar ReLU approximation of exp and log. */
  widths: intList(1, 100_000),
  /** exp is fitted on [-range, 0], log on [e^-range, max]; smaller inputs are clipped. */
  range: z.number().gt(0).max(1000),
  /** Test sequences and their Gaussian noise level abar. */
  n: int(1, 1_000_000),
  abar: unitOpen,
  seeds: z.strictObject({ grammar: int(0), data: int(0), noise: int(0), approx: int(0) }),
});
export type ApproximationConfig = z.infer<typeof schema>;

function defaults(preset: Preset): ApproximationConfig {
  return {
    grammar: { S: 8, classes: 8, arity: 2, depth: 3, mix: 0.3, scale: 1 },
    widths: preset === "tiny" ? [4, 16] : preset === "quick" ? [2, 4, 8, 16, 32, 64, 128, 256] : [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
    range: 16,
    n: preset === "tiny" ? 16 : preset === "quick" ? 2048 : 8192,
    abar: 0.5,
    seeds: { grammar: 0, data: 1, noise: 2, approx: 3 },
  };
}

/** Largest intermediate tensor of one pass (floats); keeps wasm well inside its memory. */
const CHUNK_ELEMENTS = 1 << 22;

/** Mean over rows of the total variation 1/2 sum |p - q|, and the largest entry difference. */
function compare(p: ArrayLike<number>, q: ArrayLike<number>, width: number): { tv: number; maxAbs: number; agree: number } {
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

export const approximation: Experiment<ApproximationConfig> = {
  name: "approximation",
  title: "BP-compiled networks with ReLU approximations, by width W",
  claim: "U-Nets and ConvNets whose weights are set from the grammar compute BP; replacing exp and log by ReLU MLPs of width W approximates it with an error that shrinks as W grows.",
  schema,
  defaults,
  usesTensors: true,
  jobs: (c) => [{ id: "exact", params: { W: null } }, ...c.widths.map((W) => ({ id: `W${W}`, params: { W } }))],
  async run(c, job, ctx) {
    const W = (job.params as { W: number | null }).W;
    await initBackend();
    const { S, classes, arity, depth, mix, scale } = c.grammar;
    const g = asUserInput("approximation grammar", () => randomProductGrammar({ depth, arity, vocab: S, classes, p: mix, scale, seed: c.seeds.grammar }));
    const data = sample(g, c.n, new Rng(c.seeds.data));
    const ev = gaussianEvidence(data.x, data.n, data.d, S, Math.sqrt(c.abar), Math.sqrt(1 - c.abar), new Rng(c.seeds.noise)).evidence;
    const exact = runBP(g, ev);
    const options = W === null ? {} : { approx: { width: W, seed: c.seeds.approx, range: c.range } };
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
        const part = { batch: rows, d: ev.d, S: ev.S, e: ev.e.subarray(start * ev.d * ev.S, (start + rows) * ev.d * ev.S) };
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
      const row: Row = { variant: W === null ? "exact weights, float32" : "ReLU approximation", W, leafTV: leaf.tv, leafMaxAbs: leaf.maxAbs, leafArgmaxAgreement: leaf.agree, rootTV: cls.tv, rootMaxAbs: cls.maxAbs, classArgmaxAgreement: cls.agree };
      return [row];
    } finally {
      unet.dispose();
      conv.dispose();
    }
  },
  figures(c, rows) {
    const approx = rows.filter((r) => r.W !== null);
    const exact = rows.find((r) => r.W === null);
    const long: Row[] = [
      ...approx.map((r) => ({ W: r.W, error: r.leafTV, series: "U-Net: leaf marginals", reference: "ReLU approximation" })),
      ...approx.map((r) => ({ W: r.W, error: r.rootTV, series: "ConvNet: class posterior", reference: "ReLU approximation" })),
    ];
    if (exact) {
      for (const r of approx) {
        long.push({ W: r.W, error: exact.leafTV, series: "U-Net: leaf marginals", reference: "exact weights (float32)" });
        long.push({ W: r.W, error: exact.rootTV, series: "ConvNet: class posterior", reference: "exact weights (float32)" });
      }
    }
    return [
      {
        name: "error-vs-width",
        title: `Mean total-variation error of the compiled networks against exact BP, by ReLU width W (abar = ${c.abar}; dashed: exact weights in float32)`,
        spec: lineChart({ title: "Compiled BP with ReLU exp/log: error against width", rows: long, x: { field: "W", title: "ReLU width W", scale: "log" }, y: { field: "error", title: "mean TV distance to exact BP", scale: "log" }, color: { field: "series", title: "network" }, dashed: { field: "reference", value: "exact weights (float32)" } }),
      },
    ];
  },
  summarize(c, rows) {
    const sorted = [...rows].sort((a, b) => (a.W === null ? -1 : b.W === null ? 1 : num(a.W) - num(b.W)));
    const approx = sorted.filter((r) => r.W !== null);
    const exact = sorted.find((r) => r.W === null);
    const headline: Record<string, number | null> = {};
    const findings: string[] = [];
    if (approx.length) {
      const first = approx[0];
      const last = approx[approx.length - 1];
      headline[`U-Net leaf TV at W=${first.W}`] = num(first.leafTV);
      headline[`U-Net leaf TV at W=${last.W}`] = num(last.leafTV);
      findings.push(`Compiled U-Net (leaf marginals): mean TV to exact BP ${approx.map((r) => `${fmt(num(r.leafTV), 3)} (W = ${r.W})`).join(", ")}.`);
      findings.push(`Compiled ConvNet (class posterior): mean TV ${approx.map((r) => `${fmt(num(r.rootTV), 3)} (W = ${r.W})`).join(", ")}; argmax class agrees with BP on ${fmt(num(last.classArgmaxAgreement) * 100, 3)}% of sequences at W = ${last.W}.`);
    }
    if (exact) {
      headline["exact-weights leaf TV (float32)"] = num(exact.leafTV);
      findings.push(`With exact exp and log (float32 tensors), the compiled U-Net is within ${fmt(num(exact.leafTV), 3)} mean TV of float64 BP: the residual is rounding, the floor the approximation approaches.`);
    }
    findings.push(`Random product grammar S = ${c.grammar.S}, C = ${c.grammar.classes}, m = ${c.grammar.arity}, L = ${c.grammar.depth} (mix ${c.grammar.mix}); ${c.n} sequences with Gaussian noise at abar = ${c.abar}; approximation range R = ${c.range}.`);
    return { verdicts: [],
      header: ["W", "leaf TV", "leaf max |err|", "leaf argmax agrees", "class TV", "class max |err|", "class argmax agrees"],
      rows: sorted.map((r) => [r.W === null ? "exact" : num(r.W), num(r.leafTV), num(r.leafMaxAbs), num(r.leafArgmaxAgreement), num(r.rootTV), num(r.rootMaxAbs), num(r.classArgmaxAgreement)]),
      headline,
      findings,
    };
  },
};
