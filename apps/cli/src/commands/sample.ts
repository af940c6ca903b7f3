import type { Command } from "commander";
import { leafCount, Rng, sample } from "@ghmkit/ghm";
import type { Context } from "../program";
import { UserError } from "../errors";
import { writeJsonOut } from "../io";
import { intArg } from "../options";
import { reportAfterWrite } from "../output";
import { loadGrammar } from "../grammarFile";
import { dataToJson } from "../formats/data";

/** JSON output grows with n*d; refuse what would not fit comfortably in memory. */
const MAX_LEAVES = 50_000_000;

export function registerSample(program: Command, ctx: Context): void {
  program
    .command("sample")
    .description("draw sequences (and optionally their latent trees) from a grammar")
    .requiredOption("--grammar <file>", "ghm/v1 grammar JSON (- for stdin)")
    .requiredOption("-n, --n <count>", "number of sequences", intArg(1))
    .option("--seed <n>", "data seed", intArg(0), 0)
    .option("--tree", "also write every level's symbols (the latent tree)")
    .requiredOption("--out <file>", "where to write the ghm-data/v1 JSON (- for stdout)")
    .action((o, cmd: Command) => {
      const g = loadGrammar(o.grammar);
      const leaves = o.n * leafCount(g) * (o.tree ? 2 : 1);
      if (leaves > MAX_LEAVES)
        throw new UserError(
          `-n ${o.n}: ${leaves} symbols exceed the limit of ${MAX_LEAVES} for a JSON data file: sample fewer sequences`,
        );
      const batch = sample(g, o.n, new Rng(o.seed), { tree: Boolean(o.tree) });
      writeJsonOut(ctx.con, o.out, dataToJson(batch, o.seed));
      const counts = new Array(g.vocab[0]).fill(0);
      batch.y.forEach((c) => counts[c]++);
      reportAfterWrite(
        ctx.con,
        ctx.flags(cmd),
        o.out,
        { out: o.out, n: batch.n, d: batch.d, classCounts: counts },
        () =>
          `wrote ${o.n} sequences of d = ${batch.d} leaves to ${o.out === "-" ? "stdout" : o.out}; class counts [${counts.join(", ")}]`,
      );
    });
}
