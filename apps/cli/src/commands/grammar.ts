import { type Command, Option } from "commander";
import {
  type Grammar,
  grammarToJson,
  importRhmRules,
  leafCount,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
} from "@ghmkit/ghm";
import type { Context } from "../program";
import { asUserInput, UserError } from "../errors";
import { readJsonFile, writeJsonOut } from "../io";
import { floatArg, intArg, intListArg } from "../options";
import { report, reportAfterWrite, table } from "../output";
import { loadGrammar, withCliSizeLimit } from "../grammarFile";

export function registerGrammar(program: Command, ctx: Context): void {
  const grammar = program.command("grammar").description("make, inspect and import GHM grammars (ghm/v1 JSON)");

  grammar
    .command("random")
    .description("a seeded random grammar: Mei-style product kernels, the Random Hierarchy Model, or dense tables")
    .addOption(new Option("--kind <kind>", "kernel family").choices(["product", "rhm", "dense"]).default("rhm"))
    .option("--depth <L>", "levels below the root", intArg(1, 64), 3)
    .option("--arity <m>", "children per node", intArg(2, 64), 2)
    .option("--vocab <S>", "symbols per level 1..L (one number, or L comma-separated)", intListArg(1), [8])
    .option("--classes <C>", "root classes S_0", intArg(1), 8)
    .option("--rules <k>", "rhm: production rules per symbol", intArg(1), 2)
    .option("--mix <p>", "product: weight of the softmax noise in M = (1-p) P + p softmax(G)", floatArg(0, 1), 0.3)
    .option("--scale <s>", "product: std of the Gaussian logits G", floatArg(0), 1)
    .option("--seed <n>", "grammar seed", intArg(0), 0)
    .requiredOption("--out <file>", "where to write the ghm/v1 JSON (- for stdout)")
    .action((o, cmd: Command) => {
      const vocab: number[] = o.vocab;
      // Parameters of another kernel family are a mistake, not something to ignore.
      const only: [string, string, string][] = [
        ["rules", "--rules", "rhm"],
        ["mix", "--mix", "product"],
        ["scale", "--scale", "product"],
      ];
      for (const [key, flag, kind] of only) {
        if (cmd.getOptionValueSource(key) === "cli" && o.kind !== kind)
          throw new UserError(
            `${flag} applies to --kind ${kind} only, not to --kind ${o.kind}: drop ${flag} or change --kind`,
          );
      }
      if (vocab.length !== 1 && vocab.length !== o.depth) {
        throw new UserError(
          `--vocab: give one size or ${o.depth} comma-separated sizes (one per level 1..L), got ${vocab.length}`,
        );
      }
      const g = withCliSizeLimit(() =>
        asUserInput(`grammar random --kind ${o.kind}`, (): Grammar => {
          switch (o.kind as "product" | "rhm" | "dense") {
            case "product":
              return randomProductGrammar({
                depth: o.depth,
                arity: o.arity,
                vocab: vocab.length === 1 ? vocab[0] : vocab,
                classes: o.classes,
                p: o.mix,
                scale: o.scale,
                seed: o.seed,
              });
            case "dense":
              return randomDenseGrammar({
                depth: o.depth,
                arity: o.arity,
                vocab: vocab.length === 1 ? vocab[0] : vocab,
                classes: o.classes,
                seed: o.seed,
              });
            case "rhm":
              if (vocab.length !== 1)
                throw new UserError("--vocab: the RHM uses one vocabulary size S for levels 1..L");
              return randomRhm({
                S: vocab[0],
                classes: o.classes,
                k: o.rules,
                arity: o.arity,
                depth: o.depth,
                seed: o.seed,
              });
          }
        }),
      );
      writeJsonOut(ctx.con, o.out, grammarToJson(g));
      reportAfterWrite(
        ctx.con,
        ctx.flags(cmd),
        o.out,
        { out: o.out, ...summary(g) },
        () => `wrote ${o.out === "-" ? "stdout" : o.out}\n${describe(g)}`,
      );
    });

  grammar
    .command("info")
    .description("validate a grammar file and print its shape")
    .argument("<file>", "ghm/v1 grammar JSON (- for stdin)")
    .action((file: string, _o, cmd: Command) => {
      const g = loadGrammar(file, "grammar file");
      report(ctx.con, ctx.flags(cmd), summary(g), () => describe(g));
    });

  grammar
    .command("import-rhm")
    .description("convert RHM rule tensors (level 0: [C,k,m], levels 1..L-1: [S,k,m], nested JSON arrays) to ghm/v1")
    .argument("<rules>", 'JSON file with the list of rule tensors (or {"rules": [...]}; - for stdin)')
    .option("--vocab <S>", "leaf/latent vocabulary size (default: largest symbol + 1)", intArg(1))
    .requiredOption("--out <file>", "where to write the ghm/v1 JSON (- for stdout)")
    .action((file: string, o, cmd: Command) => {
      const json = readJsonFile(file, "rules file");
      const g = asUserInput(`rules file ${file}`, () => importRhmRules(json, o.vocab ? { S: o.vocab } : {}));
      writeJsonOut(ctx.con, o.out, grammarToJson(g));
      reportAfterWrite(
        ctx.con,
        ctx.flags(cmd),
        o.out,
        { out: o.out, ...summary(g) },
        () => `wrote ${o.out === "-" ? "stdout" : o.out}\n${describe(g)}`,
      );
    });
}

export function summary(g: Grammar) {
  return {
    depth: g.depth,
    arity: g.arity,
    d: leafCount(g),
    vocab: g.vocab,
    classes: g.vocab[0],
    levels: g.levels.map((k, i) => ({
      level: i + 1,
      kind: k.kind,
      rules: k.kind === "rules" ? k.rules.reduce((n, r) => n + r.length, 0) : undefined,
    })),
  };
}

function describe(g: Grammar): string {
  const head = `GHM: L = ${g.depth}, m = ${g.arity}, d = ${leafCount(g)} leaves, C = ${g.vocab[0]} classes, vocab [${g.vocab.join(", ")}]`;
  const rows = g.levels.map((k, i) => [
    i + 1,
    k.kind,
    `${g.vocab[i]} -> ${g.vocab[i + 1]}^${g.arity}`,
    k.kind === "rules" ? k.rules.reduce((n, r) => n + r.length, 0) : "-",
  ]);
  return `${head}\n${table(["level", "kind", "symbols", "rules"], rows)}`;
}
