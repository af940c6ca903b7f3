import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { runBP } from "@ghmkit/bp";
import { gaussianEvidence, grammarToJson, Rng, sample } from "@ghmkit/ghm";
import { compileBPConvNet, compileBPUNet } from "@ghmkit/nets";
import type { Context } from "../program";
import { announceBackend, backendOption, useBackend } from "../backend";
import { UserError } from "../errors";
import { writeJsonAtomic } from "../io";
import { floatListArg, intArg } from "../options";
import { fmt, report, table } from "../output";
import { loadGrammar } from "../grammarFile";

/**
 * `ghm compile`: the BP-compiled network of a product-kernel grammar (SPEC.md section
 * 4), checked against exact BP on sampled noisy data. Its weights are a fixed function
 * of the grammar (log M), so the saved artefact is the grammar plus the compile
 * options; loading it means compiling again.
 */
export function registerCompile(program: Command, ctx: Context): void {
  program
    .command("compile")
    .description("compile a product-kernel grammar into a network that computes BP, and measure it against exact BP")
    .requiredOption("--grammar <file>", "ghm/v1 grammar with product kernels")
    .addOption(new Option("--arch <arch>", "unet: leaf marginals; convnet: root posterior").choices(["unet", "convnet"]).default("unet"))
    .option("--approx-width <W>", "replace exp and log by ReLU nets of width W (the paper's approximation argument; default: exact log-sum-exp)", intArg(1, 1_000_000))
    .option("--approx-seed <n>", "seed jittering the ReLU knots (--approx-width only; default: a regular knot grid)", intArg(0))
    .option("-n, --n <count>", "test sequences per noise level", intArg(1, 100_000), 256)
    .option("--sigmas <list>", "gaussian noise levels to test at", floatListArg(1e-6, 1e6), [0.5, 1, 2])
    .option("--seed <n>", "data and noise seed", intArg(0), 0)
    .addOption(backendOption())
    .requiredOption("--out <dir>", "directory for compiled.json (grammar, options, measured error)")
    .action(async (o, cmd: Command) => {
      const g = loadGrammar(o.grammar);
      const nonProduct = g.levels.findIndex((k) => k.kind !== "product");
      if (nonProduct >= 0) throw new UserError(`--grammar ${o.grammar}: level ${nonProduct + 1} is "${g.levels[nonProduct].kind}"; BP compiles to a network for product kernels only`);
      if (fs.existsSync(o.out) && !fs.statSync(o.out).isDirectory()) throw new UserError(`--out ${o.out} is a file; give a directory`);
      const backend = await useBackend(o.backend);
      announceBackend(ctx.con, ctx.flags(cmd), backend);
      const approx = o.approxWidth ? { width: o.approxWidth, ...(o.approxSeed !== undefined ? { seed: o.approxSeed } : {}) } : undefined;
      const net = o.arch === "unet" ? compileBPUNet(g, { approx }) : compileBPConvNet(g, { output: "prob", approx });
      const S = g.vocab[g.depth];
      const rng = new Rng(o.seed);
      const rows: { sigma: number; maxAbsError: number; meanAbsError: number; seqPerSec: number }[] = [];
      try {
        for (const sigma of o.sigmas as number[]) {
          const data = sample(g, o.n, rng);
          const { evidence } = gaussianEvidence(data.x, data.n, data.d, S, 1, sigma, rng);
          const exact = runBP(g, evidence, { downward: o.arch === "unet" });
          const want = o.arch === "unet" ? exact.marginals![g.depth] : exact.root;
          const t0 = process.hrtime.bigint();
          const out = net.predict(evidence);
          const got = await out.data();
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          out.dispose();
          let maxErr = 0;
          let sum = 0;
          for (let i = 0; i < want.length; i++) {
            const e = Math.abs(got[i] - want[i]);
            sum += e;
            if (e > maxErr) maxErr = e;
          }
          rows.push({ sigma, maxAbsError: maxErr, meanAbsError: sum / want.length, seqPerSec: data.n / seconds });
        }
      } finally {
        net.dispose();
      }
      fs.mkdirSync(o.out, { recursive: true });
      const file = path.join(o.out, "compiled.json");
      const result = { format: "ghm-compiled/v1", arch: o.arch, approx: approx ?? null, backend: backend.name, seed: o.seed, n: o.n, errors: rows, grammar: grammarToJson(g) };
      writeJsonAtomic(file, result);
      const { grammar: _g, ...summary } = result;
      void _g;
      report(ctx.con, ctx.flags(cmd), { ...summary, out: file }, () =>
        [
          `BP-compiled ${o.arch} (${approx ? `ReLU exp/log of width ${approx.width}` : "exact log-sum-exp"}) on ${backend.name}, vs float64 BP (${o.arch === "unet" ? "leaf marginals" : "root posterior"}):`,
          table(["sigma", "max |error|", "mean |error|", "seq/s"], rows.map((r) => [r.sigma, fmt(r.maxAbsError), fmt(r.meanAbsError), fmt(r.seqPerSec)])),
          `wrote ${file}`,
        ].join("\n"),
      );
    });
}
