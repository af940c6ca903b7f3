import { Command } from "commander";
import { Grammar, nodeCount, Rng } from "@ghmkit/ghm";
import { mapDecode, posteriorSample, runBP } from "@ghmkit/bp";
import type { Context } from "../program";
import { asUserInput } from "../errors";
import { readJsonFile, finiteOrNull, writeJsonAtomic } from "../io";
import { intArg } from "../options";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { parseEvidenceFile } from "../formats/evidence";

export function registerBP(program: Command, ctx: Context): void {
  program
    .command("bp")
    .description("exact belief propagation: marginals at every level, root posterior, log p(evidence)")
    .requiredOption("--grammar <file>", "ghm/v1 grammar JSON")
    .requiredOption("--evidence <file>", 'evidence JSON: {"kind":"logits"|"exact"|"masked"|"gaussian"|"uniform", ...}')
    .requiredOption("--out <file>", "where to write the result JSON")
    .option("--samples <k>", "also draw k exact posterior trees per sequence", intArg(0, 10000), 0)
    .option("--seed <n>", "seed for posterior samples", intArg(0), 0)
    .option("--map", "also decode the MAP tree (max-product)")
    .action((o, cmd: Command) => {
      const g = loadGrammar(o.grammar);
      const ev = parseEvidenceFile(readJsonFile(o.evidence, "--evidence"), g, `--evidence ${o.evidence}`);
      // Posterior samples reuse the upward messages, so ask for them only then.
      // BP refuses evidence a valid file can still hold (|e| above 2^1020 / d): a user error, exit 2.
      const r = asUserInput(`--evidence ${o.evidence}`, () => runBP(g, ev, { messages: o.samples > 0 }));
      const out: Record<string, unknown> = {
        logZ: Array.from(r.logZ, finiteOrNull),
        impossible: Array.from(r.impossible, (v) => v === 1),
        marginals: (r.marginals ?? []).map((lv, l) => nested(lv, ev.batch, nodeCount(g, l), g.vocab[l])),
        root: nested(r.root, ev.batch, 1, g.vocab[0]).map((b) => b[0]),
      };
      if (o.samples > 0) {
        const rng = new Rng(o.seed);
        out.samples = Array.from({ length: o.samples }, () => treeJson(g, posteriorSample(g, ev, rng, r), ev.batch));
      }
      if (o.map) {
        const m = mapDecode(g, ev);
        out.map = { tree: treeJson(g, m.tree, ev.batch), logp: Array.from(m.logp, finiteOrNull) };
      }
      writeJsonAtomic(o.out, out);
      report(ctx.con, ctx.flags(cmd), { out: o.out, batch: ev.batch, logZ: out.logZ }, () => humanSummary(g, r.logZ, r.root, o.out));
    });
}

function nested(a: Float64Array, batch: number, nodes: number, S: number): number[][][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length: nodes }, (_, i) => Array.from(a.subarray((b * nodes + i) * S, (b * nodes + i + 1) * S))));
}

function treeJson(g: Grammar, tree: Int32Array[], batch: number): number[][][] {
  return tree.map((lv, l) => {
    const w = nodeCount(g, l);
    return Array.from({ length: batch }, (_, b) => Array.from(lv.subarray(b * w, (b + 1) * w)));
  });
}

function humanSummary(g: Grammar, logZ: Float64Array, root: Float64Array, out: string): string {
  const C = g.vocab[0];
  const rows = Array.from(logZ.subarray(0, 10), (z, b) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (root[b * C + c] > root[b * C + best]) best = c;
    return [b, Number.isFinite(z) ? fmt(z) : "impossible", Number.isFinite(z) ? best : "-", Number.isFinite(z) ? fmt(root[b * C + best]) : "-"];
  });
  const more = logZ.length > 10 ? `\n... ${logZ.length - 10} more in ${out}` : "";
  return `${table(["seq", "log p(obs)", "argmax class", "P(class|obs)"], rows)}${more}\nwrote ${out}`;
}
