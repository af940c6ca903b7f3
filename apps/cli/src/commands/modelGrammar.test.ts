/**
 * A model knows its grammar (issue 11): a run trained on the default seed-1 RHM,
 * evaluated with --grammar of a seed-0 RHM of the same shape, used to report
 * numbers for the wrong grammar. Now it exits 2 unless --allow-grammar-mismatch.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { grammarFingerprint, readGrammarFile, shortFingerprint } from "@ghmkit/ghm";
import { ghm, readJson, tempDir } from "../testing/harness";

describe("model grammar check", () => {
  const dir = tempDir();
  const run = path.join(dir, "cls");
  const G0 = path.join(dir, "rhm-seed0.json");
  const G1 = path.join(dir, "rhm-seed1.json");

  beforeAll(async () => {
    const r = await ghm(
      "--json",
      "train",
      "classifier",
      "--train-size",
      "32",
      "--test-size",
      "16",
      "--steps",
      "2",
      "--batch",
      "16",
      "--width",
      "4",
      "--eval-every",
      "2",
      "--out",
      run,
    );
    expect(r.code).toBe(0);
    for (const [seed, file] of [
      ["0", G0],
      ["1", G1],
    ]) {
      expect(
        (
          await ghm(
            "grammar",
            "random",
            "--kind",
            "rhm",
            "--vocab",
            "8",
            "--classes",
            "8",
            "--rules",
            "2",
            "--depth",
            "3",
            "--seed",
            seed,
            "--out",
            file,
          )
        ).code,
      ).toBe(0);
    }
  });

  it("records the fingerprint of the grammar in the run's models and result", () => {
    const fp = grammarFingerprint(readGrammarFile(path.join(run, "grammar.json")));
    expect(fp).toBe(grammarFingerprint(readGrammarFile(G1))); // the default grammar is the seed-1 RHM
    expect(
      readJson(path.join(run, "checkpoints", "step-00000002", "model", "ghm-model.json")).extra.grammarFingerprint,
    ).toBe(fp);
    expect(readJson(path.join(run, "result.json")).grammarFingerprint).toBe(fp);
  });

  it("ghm eval refuses another grammar of the same shape with exit 2 and one line naming both", async () => {
    const r = await ghm("eval", "--model", run, "--grammar", G0, "--test-size", "8");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    const line = r.err.trim();
    expect(line.split("\n")).toHaveLength(1);
    const given = shortFingerprint(grammarFingerprint(readGrammarFile(G0)));
    const model = shortFingerprint(grammarFingerprint(readGrammarFile(G1)));
    expect(line).toContain(`--grammar ${G0} (${given})`);
    expect(line).toContain(`--model ${run}`);
    expect(line).toContain(`${path.join(run, "grammar.json")}, ${model}`);
    expect(line).toContain("--allow-grammar-mismatch");
    expect(line).toContain("drop --grammar");
  });

  it("with --allow-grammar-mismatch it runs and records the mismatch in JSON and text", async () => {
    let r = await ghm(
      "--json",
      "eval",
      "--model",
      run,
      "--grammar",
      G0,
      "--test-size",
      "8",
      "--allow-grammar-mismatch",
    );
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.grammarMismatch).toEqual({
      model: grammarFingerprint(readGrammarFile(G1)),
      given: grammarFingerprint(readGrammarFile(G0)),
    });
    expect(m.grammar).toBe(G0);
    expect(r.err).toMatch(/warning: --grammar .* is not the grammar/);
    r = await ghm("eval", "--model", run, "--grammar", G0, "--test-size", "8", "--allow-grammar-mismatch");
    expect(r.code).toBe(0);
    expect(r.out).toContain("grammar mismatch (--allow-grammar-mismatch): model trained on sha256:");
  });

  it("the same grammar from another file passes; --grammar is optional for a run", async () => {
    let r = await ghm("--json", "eval", "--model", run, "--grammar", G1, "--test-size", "8");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).grammarMismatch).toBeUndefined();
    r = await ghm("--json", "eval", "--model", run, "--test-size", "8");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).grammar).toBe(path.join(run, "grammar.json"));
  });

  it("a model saved before fingerprints is still loadable: a warning instead of a refusal", async () => {
    const old = path.join(dir, "old-model");
    fs.cpSync(path.join(run, "checkpoints", "step-00000002", "model"), old, { recursive: true });
    const metaFile = path.join(old, "ghm-model.json");
    const meta = readJson(metaFile);
    delete meta.extra.grammarFingerprint;
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    const r = await ghm("--json", "eval", "--model", old, "--grammar", G0, "--test-size", "8");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/records no grammar fingerprint/);
    expect(JSON.parse(r.out).grammarMismatch).toBeUndefined();
    // A bare model directory needs --grammar.
    const r2 = await ghm("eval", "--model", old);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/give --grammar/);
  });

  it("ghm diffuse --denoiser RUN refuses another grammar too, and records an allowed mismatch", async () => {
    const den = path.join(dir, "den");
    expect(
      (
        await ghm(
          "--json",
          "train",
          "denoiser",
          "--test-size",
          "8",
          "--steps",
          "2",
          "--batch",
          "8",
          "--width",
          "4",
          "--eval-every",
          "2",
          "--out",
          den,
        )
      ).code,
    ).toBe(0);
    let r = await ghm("diffuse", "--denoiser", den, "--grammar", G0, "--steps", "3", "-n", "4");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--denoiser ${den}`);
    r = await ghm(
      "--json",
      "diffuse",
      "--denoiser",
      den,
      "--grammar",
      G0,
      "--steps",
      "3",
      "-n",
      "4",
      "--allow-grammar-mismatch",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).grammarMismatch.given).toBe(grammarFingerprint(readGrammarFile(G0)));
    r = await ghm("diffuse", "--denoiser", "bp", "--steps", "3", "-n", "4");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--grammar is required/);
  });
});
