import type { Command } from "commander";
import { type Grammar, nodeCount, Rng } from "@ghmkit/ghm";
import { mapDecode, posteriorSample, runBP } from "@ghmkit/bp";
import type { Context } from "../program";
import { asUserInput, UserError } from "../errors";
import { readJsonFile, finiteOrNull, writeJsonOut } from "../io";
import { intArg } from "../options";
import { fmt, table } from "../output";
import { loadGrammar } from "../grammarFile";
import { parseEvidenceFile } from "../formats/evidence";
import { parseDataFile } from "../formats/data";
import { addNoiseOptions, checkNoiseFlags, givenNoiseFlags, type NoiseFlags, noisyEvidenceOf } from "../noise";

export function registerBP(program: Command, ctx: Context): void {
  addNoiseOptions(
    program
      .command("bp")
      .description(
        "exact belief propagation: marginals at every level, root posterior, log p(evidence); evidence from a file, or built from a data file with --noise",
      )
      .requiredOption("--grammar <file>", "ghm/v1 grammar JSON (- for stdin)")
      .option(
        "--evidence <file>",
        'evidence JSON (- for stdin): {"kind":"logits"|"exact"|"masked"|"gaussian"|"uniform", ...}; one of --evidence and --data is required',
      )
      .option(
        "--data <file>",
        "ghm-data/v1 file from `ghm sample` (- for stdin): evidence is its leaves seen through --noise; one of --evidence and --data is required",
      )
      .option(
        "--out <file>",
        "write the full result JSON (marginals, root, logZ, samples, map) here, - for stdout (default: none; --json prints it)",
      )
      .option("--samples <k>", "also draw k exact posterior trees per sequence", intArg(0, 10000), 0)
      .option("--seed <n>", "seed for posterior samples", intArg(0), 0)
      .option("--map", "also decode the MAP tree (max-product)"),
    "exact",
  ).action(
    (
      o: NoiseFlags & {
        grammar: string;
        evidence?: string;
        data?: string;
        out?: string;
        samples: number;
        seed: number;
        map?: boolean;
      },
      cmd: Command,
    ) => {
      const flags = ctx.flags(cmd);
      if (Boolean(o.evidence) === Boolean(o.data))
        throw new UserError(
          o.evidence
            ? "--evidence and --data: give one of them, not both"
            : "--evidence or --data is required: an evidence JSON, or a data file from `ghm sample` (with --noise)",
        );
      const noiseFlags = givenNoiseFlags(cmd);
      if (o.evidence && noiseFlags.length)
        throw new UserError(
          `${noiseFlags[0]} applies to --data only; an --evidence file already holds its observation model`,
        );
      if (o.data) checkNoiseFlags(cmd, o);
      if (o.out === "-" && flags.json)
        throw new UserError("--out - and --json both print the result on stdout: give one of them");
      const g = loadGrammar(o.grammar);
      const ev = o.evidence
        ? parseEvidenceFile(readJsonFile(o.evidence, "--evidence"), g, `--evidence ${o.evidence}`)
        : noisyEvidenceOf(g, parseDataFile(readJsonFile(o.data!, "--data"), g, `--data ${o.data}`), o);
      const what = o.evidence ? `--evidence ${o.evidence}` : "noise";
      // Posterior samples reuse the upward messages, so ask for them only then.
      // BP refuses evidence a valid file can still hold (|e| above 2^1020 / d): a user error, exit 2.
      const r = asUserInput(what, () => runBP(g, ev, { messages: o.samples > 0, threads: "auto" }));
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
      let map: ReturnType<typeof mapDecode> | null = null;
      if (o.map) {
        map = mapDecode(g, ev);
        out.map = { tree: treeJson(g, map.tree, ev.batch), logp: Array.from(map.logp, finiteOrNull) };
      }
      if (o.out) writeJsonOut(ctx.con, o.out, out);
      if (flags.json) ctx.con.out(JSON.stringify(o.out ? { out: o.out, ...out } : out));
      else if (!flags.quiet) {
        const text = humanSummary(g, r.logZ, r.root, map, o.out);
        if (o.out === "-") ctx.con.err(text);
        else ctx.con.out(text);
      }
    },
  );
}

function nested(a: Float64Array, batch: number, nodes: number, S: number): number[][][] {
  return Array.from({ length: batch }, (_, b) =>
    Array.from({ length: nodes }, (_, i) => Array.from(a.subarray((b * nodes + i) * S, (b * nodes + i + 1) * S))),
  );
}

function treeJson(g: Grammar, tree: Int32Array[], batch: number): number[][][] {
  return tree.map((lv, l) => {
    const w = nodeCount(g, l);
    return Array.from({ length: batch }, (_, b) => Array.from(lv.subarray(b * w, (b + 1) * w)));
  });
}

function humanSummary(
  g: Grammar,
  logZ: Float64Array,
  root: Float64Array,
  map: { tree: Int32Array[]; logp: Float64Array } | null,
  out?: string,
): string {
  const C = g.vocab[0];
  const rows = Array.from(logZ.subarray(0, 10), (z, b) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (root[b * C + c] > root[b * C + best]) best = c;
    const ok = Number.isFinite(z);
    const row: (string | number)[] = [
      b,
      ok ? fmt(z) : "impossible",
      ok ? best : "-",
      ok ? fmt(root[b * C + best]) : "-",
    ];
    if (map) row.push(ok ? map.tree[0][b] : "-", ok ? fmt(map.logp[b]) : "-");
    return row;
  });
  const header = [
    "seq",
    "log p(obs)",
    "argmax class",
    "P(class|obs)",
    ...(map ? ["MAP class", "MAP log p(tree, obs)"] : []),
  ];
  const where = out && out !== "-" ? ` in ${out}` : " with --json or --out FILE";
  const more = logZ.length > 10 ? `\n... ${logZ.length - 10} more${where}` : "";
  const wrote =
    out && out !== "-" ? `\nwrote ${out}` : out ? "" : "\n(marginals, samples and the MAP tree: --json, or --out FILE)";
  return `${table(header, rows)}${more}${wrote}`;
}
