import type { Command, Option } from "commander";
import { buildProgram } from "../program";
import { ghm } from "../testing/harness";

/** Every command of the program, depth first. */
function allCommands(c: Command, prefix = ""): [string, Command][] {
  return c.commands.flatMap((s) => [
    [`${prefix}${s.name()}`, s] as [string, Command],
    ...allCommands(s, `${prefix}${s.name()} `),
  ]);
}

describe("--help describes every option", () => {
  const program = buildProgram({ out: () => {}, err: () => {}, isTTY: false });

  test("every option that takes a value shows its default (commander's, or in its description) or is marked required", () => {
    const missing: string[] = [];
    for (const [name, cmd] of allCommands(program)) {
      for (const opt of cmd.options as Option[]) {
        const takesValue = opt.required || opt.optional;
        // Hidden options (a removed flag kept only to explain its removal) are not in --help.
        if (!takesValue || opt.mandatory || opt.negate || opt.hidden) continue;
        if (opt.defaultValue !== undefined || /default|required/i.test(opt.description)) continue;
        missing.push(`ghm ${name} ${opt.flags}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("required options say so in --help; defaults are shown", async () => {
    const r = await ghm("sample", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--grammar <file> .*\(required\)/);
    expect(r.out).toMatch(/--seed <n> .*\(default: 0\)/);
    const t = await ghm("train", "--help");
    const flat = t.out.replace(/\s+/g, " ");
    expect(flat).toMatch(/--steps <n> maximum optimisation steps \(default: 1000 for classifier, 2500 for denoiser\)/);
    expect(flat).toMatch(/--out <dir> [^-]*\(required\)/);
  });
});
