/**
 * A model knows its grammar. Training runs record the grammar's fingerprint
 * (`grammarFingerprint`, sha256 of its canonical ghm/v1 JSON) in every saved
 * model's ghm-model.json (`extra.grammarFingerprint`), and a run directory holds
 * the grammar itself (grammar.json). Commands that take a model use this module to
 * pick the grammar: `--grammar` when given, checked against the model's fingerprint
 * (a mismatch is refused with exit 2 unless `--allow-grammar-mismatch`), else the
 * grammar.json of the run or of the model directory (`ghm compile` writes one beside
 * ghm-model.json). A model saved before fingerprints existed (and outside a
 * run directory) has an unknown grammar: `--grammar` is then used with a warning.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Grammar, grammarFingerprint, shortFingerprint } from "@ghmkit/ghm";
import { META_JSON, MODEL_GRAMMAR_JSON, readModelMeta } from "@ghmkit/nets";
import { latestCheckpoint } from "@ghmkit/train";
import { UserError } from "./errors";
import { loadGrammar } from "./grammarFile";

/** What a model or training-run directory says about the grammar it was trained on. */
export interface ModelGrammarInfo {
  /** The recorded fingerprint, or null when the model predates fingerprints (unknown). */
  fingerprint: string | null;
  /** The grammar.json of the run, or of the model directory (ghm compile's), else null. */
  grammarFile: string | null;
}

function metaFingerprint(modelDir: string): string | null {
  try {
    const fp = readModelMeta(modelDir).extra?.grammarFingerprint;
    return typeof fp === "string" ? fp : null;
  } catch {
    return null; // loading the model reports an unreadable file with its own message
  }
}

/** The fingerprint and grammar file of a model directory or a training run (its latest checkpoint's model). */
export function modelGrammarInfo(dir: string): ModelGrammarInfo {
  const grammarFile = path.join(dir, MODEL_GRAMMAR_JSON);
  const has = fs.existsSync(grammarFile);
  if (fs.existsSync(path.join(dir, META_JSON)))
    return { fingerprint: metaFingerprint(dir), grammarFile: has ? grammarFile : null };
  let ckpt: string | null = null;
  try {
    ckpt = fs.existsSync(dir) ? latestCheckpoint(dir) : null;
  } catch {
    ckpt = null;
  }
  const recorded = ckpt ? metaFingerprint(path.join(ckpt, "model")) : null;
  return { fingerprint: recorded, grammarFile: has ? grammarFile : null };
}

export interface GrammarMismatch {
  /** Fingerprint recorded with the model. */
  model: string;
  /** Fingerprint of the --grammar given. */
  given: string;
}

export interface ModelGrammar {
  g: Grammar;
  /** The file the grammar was read from (--grammar or the run's grammar.json). */
  file: string;
  fingerprint: string;
  /** Set when --allow-grammar-mismatch let a different grammar through. */
  grammarMismatch?: GrammarMismatch;
}

export interface ModelGrammarOptions {
  /** --grammar, when given. */
  grammar?: string;
  /** The model or run directory, and the flag that named it ("--model", "--denoiser"). */
  model: string;
  modelFlag: string;
  allowMismatch?: boolean;
  /** Where a warning goes (stderr). */
  warn: (line: string) => void;
}

/**
 * The grammar to use with a model: `--grammar` if given (refused with exit 2 when
 * its fingerprint differs from the model's, unless allowMismatch), else the run's
 * grammar.json; a bare model directory without --grammar is a user error.
 */
export function grammarForModel(o: ModelGrammarOptions): ModelGrammar {
  const info = modelGrammarInfo(o.model);
  if (o.grammar === undefined) {
    if (!info.grammarFile)
      throw new UserError(
        `${o.modelFlag} ${o.model} holds no grammar (a bare model directory): give --grammar, the grammar it was trained on`,
      );
    const g = loadGrammar(info.grammarFile, `${o.modelFlag} ${o.model}:`);
    const fingerprint = grammarFingerprint(g);
    return { g, file: info.grammarFile, fingerprint };
  }
  const g = loadGrammar(o.grammar);
  const fingerprint = grammarFingerprint(g);
  // Older runs recorded no fingerprint in the model, but their grammar.json is the grammar they trained on.
  const expected =
    info.fingerprint ??
    (info.grammarFile ? grammarFingerprint(loadGrammar(info.grammarFile, `${o.modelFlag} ${o.model}:`)) : null);
  if (expected === null) {
    o.warn(
      `warning: ${o.modelFlag} ${o.model} records no grammar fingerprint (saved before fingerprints existed): cannot check that --grammar ${o.grammar} is the grammar it was trained on`,
    );
    return { g, file: o.grammar, fingerprint };
  }
  if (expected === fingerprint) return { g, file: o.grammar, fingerprint };
  const where = info.grammarFile ? `${info.grammarFile}, ${shortFingerprint(expected)}` : shortFingerprint(expected);
  if (!o.allowMismatch) {
    throw new UserError(
      `--grammar ${o.grammar} (${shortFingerprint(fingerprint)}) is not the grammar ${o.modelFlag} ${o.model} was trained on (${where}): ` +
        `${info.grammarFile ? "drop --grammar to use the run's own grammar, give that grammar" : "give the grammar it was trained on"}, or pass --allow-grammar-mismatch to use this one anyway`,
    );
  }
  o.warn(
    `warning: --grammar ${o.grammar} (${shortFingerprint(fingerprint)}) is not the grammar ${o.modelFlag} ${o.model} was trained on (${where}); continuing because of --allow-grammar-mismatch`,
  );
  return { g, file: o.grammar, fingerprint, grammarMismatch: { model: expected, given: fingerprint } };
}

/** The human line for an allowed mismatch ("" when none). */
export function mismatchLine(m: GrammarMismatch | undefined): string {
  return m
    ? `grammar mismatch (--allow-grammar-mismatch): model trained on ${shortFingerprint(m.model)}, given ${shortFingerprint(m.given)}`
    : "";
}
