#!/usr/bin/env node
/**
 * Regenerates reference/bp-vectors.json: tiny ghm/v1 grammars (product, rules, dense and
 * mixed kernels) and evidence (logits, some entries -Infinity, and exact sequences,
 * one impossible), drawn from a fixed-seed generator in this file, with their exact
 * log-likelihoods and marginals from bruteForceBP (@ghmkit/bp's enumeration of every
 * tree, which reads the kernels straight from the grammar, not BP's compiled forms).
 *
 *   pnpm build && node reference/generate.cjs          # rewrite the file
 *   pnpm build && node reference/generate.cjs --check  # exit 1 if the file differs
 *
 * packages/bp/src/reference.test.ts regenerates the document from the sources and
 * requires the committed file to equal it byte for byte, so the file cannot drift from
 * this script or from bruteForceBP.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const FILE = path.join(__dirname, "bp-vectors.json");

/** mulberry32: a self-contained PRNG, so the file depends on nothing but this script and bruteForceBP. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n positive weights summing to 1 (each at least 0.05 before normalising). */
function simplex(rand, n) {
  const w = Array.from({ length: n }, () => 0.05 + rand());
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / s);
}

/** Every child tuple of arity m over S symbols, in row-major order. */
function tuples(S, m) {
  const out = [];
  for (let t = 0; t < S ** m; t++) {
    const b = [];
    for (let j = m - 1, r = t; j >= 0; j--, r = Math.floor(r / S)) b[j] = r % S;
    out.push(b);
  }
  return out;
}

function nest(flat, S, m) {
  if (m === 0) return flat[0];
  const step = flat.length / S;
  return Array.from({ length: S }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), S, m - 1));
}

/** Level kernel of `kind` from Sp parents to Sc children, arity m (rules: k rules per parent). */
function kernel(rand, kind, Sp, Sc, m, k) {
  if (kind === "product")
    return {
      kind,
      matrices: Array.from({ length: m }, () => Array.from({ length: Sp }, () => simplex(rand, Sc))),
    };
  if (kind === "dense") return { kind, tensor: Array.from({ length: Sp }, () => nest(simplex(rand, Sc ** m), Sc, m)) };
  const all = tuples(Sc, m);
  const rules = Array.from({ length: Sp }, () => {
    const pool = all.slice();
    const picked = [];
    for (let i = 0; i < k; i++) picked.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
    const p = simplex(rand, k);
    return picked.map((children, i) => ({ children, p: p[i] }));
  });
  return { kind, rules };
}

function grammar(rand, spec) {
  const { depth, arity, vocab, kinds } = spec;
  return {
    format: "ghm/v1",
    depth,
    arity,
    vocab,
    root: simplex(rand, vocab[0]),
    levels: kinds.map((kind, l) => kernel(rand, kind, vocab[l], vocab[l + 1], arity, spec.k ?? 2)),
  };
}

function draw(rand, p) {
  let u = rand();
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

/** A leaf sequence drawn from the grammar (so its exact evidence is possible). */
function sampleLeaves(rand, g) {
  let level = [draw(rand, g.root)];
  g.levels.forEach((k, l) => {
    const Sc = g.vocab[l + 1];
    const next = [];
    for (const a of level) {
      if (k.kind === "product") for (const M of k.matrices) next.push(draw(rand, M[a]));
      else if (k.kind === "rules")
        next.push(
          ...k.rules[a][
            draw(
              rand,
              k.rules[a].map((r) => r.p),
            )
          ].children,
        );
      else {
        const flat = [k.tensor[a]].flat(g.arity);
        next.push(...tuples(Sc, g.arity)[draw(rand, flat)]);
      }
    }
    level = next;
  });
  return level;
}

/** What each case holds: grammar shape, evidence kind, batch, and (logits) how many entries are -Infinity. */
const SPECS = [
  { depth: 2, arity: 2, vocab: [2, 3, 3], kinds: ["product", "product"] },
  { depth: 1, arity: 3, vocab: [3, 2], kinds: ["product"] },
  { depth: 2, arity: 2, vocab: [2, 3, 3], kinds: ["rules", "rules"], k: 3 },
  { depth: 2, arity: 2, vocab: [3, 3, 3], kinds: ["rules", "rules"], k: 2 },
  { depth: 2, arity: 2, vocab: [2, 2, 3], kinds: ["dense", "dense"] },
  { depth: 1, arity: 3, vocab: [2, 3], kinds: ["dense"] },
  { depth: 3, arity: 2, vocab: [2, 2, 3, 2], kinds: ["product", "rules", "dense"], k: 2 },
];

/**
 * The document, from bruteForceBP and parseGrammar / exactEvidence of @ghmkit/bp and
 * @ghmkit/ghm (passed in: the script uses the built packages, the test their sources).
 */
function buildVectors({ bruteForceBP, parseGrammar, exactEvidence }) {
  const rand = prng(20240613);
  const cases = [];
  const add = (gj, evidence) => {
    const g = parseGrammar(gj);
    const d = g.arity ** g.depth;
    const S = g.vocab[g.depth];
    const ev =
      evidence.kind === "exact"
        ? exactEvidence(Int32Array.from(evidence.x.flat()), evidence.x.length, d, S)
        : {
            batch: evidence.h.length,
            d,
            S,
            e: Float64Array.from(evidence.h.flat(2).map((v) => (v === null ? -Infinity : v))),
          };
    const r = bruteForceBP(g, ev);
    const logZ = Array.from(r.logZ, (v) => (Number.isFinite(v) ? v : null));
    const marginals = logZ.every((v) => v === null)
      ? null
      : r.marginals.map((m, l) => {
          const nodes = g.arity ** l;
          const Sl = g.vocab[l];
          return Array.from({ length: ev.batch }, (_, b) =>
            Array.from({ length: nodes }, (_, i) =>
              Array.from(m.subarray((b * nodes + i) * Sl, (b * nodes + i + 1) * Sl)),
            ),
          );
        });
    cases.push({ grammar: gj, evidence, expected: { logZ, marginals } });
  };
  SPECS.forEach((spec, n) => {
    const gj = grammar(rand, spec);
    const d = spec.arity ** spec.depth;
    const S = spec.vocab[spec.depth];
    // Gaussian-ish logits (sum of uniforms), two rows; the second case of each pair also hard-masks two entries.
    const h = Array.from({ length: 2 }, () =>
      Array.from({ length: d }, () => Array.from({ length: S }, () => 2 * (rand() + rand() + rand()) - 3)),
    );
    if (n % 2 === 1) {
      h[0][0][0] = null;
      h[1][d - 1][S - 1] = null;
    }
    add(gj, { kind: "logits", h });
    add(gj, { kind: "exact", x: [sampleLeaves(rand, gj), sampleLeaves(rand, gj)] });
  });
  // Impossible evidence: no rule of this grammar yields the sequence [0, 2].
  const gj = {
    format: "ghm/v1",
    depth: 1,
    arity: 2,
    vocab: [2, 3],
    root: [0.65, 0.35],
    levels: [
      {
        kind: "rules",
        rules: [
          [
            { children: [1, 1], p: 0.5 },
            { children: [2, 0], p: 0.25 },
            { children: [0, 0], p: 0.25 },
          ],
          [
            { children: [1, 0], p: 0.125 },
            { children: [2, 2], p: 0.875 },
          ],
        ],
      },
    ],
  };
  add(gj, { kind: "exact", x: [[0, 2]] });
  return {
    about:
      "Exact results by brute-force enumeration of every tree (bruteForceBP of @ghmkit/bp), for tiny ghm/v1 grammars drawn by reference/generate.cjs; regenerate with `pnpm build && node reference/generate.cjs`. logZ is log p(evidence) (null: impossible evidence); marginals[level][batch][node][symbol] (null when every row is impossible); evidence h null = -Infinity.",
    cases,
  };
}

function serialize(doc) {
  return `${JSON.stringify(doc)}\n`;
}

module.exports = { FILE, buildVectors, serialize };

if (require.main === module) {
  const root = path.join(__dirname, "..");
  const load = (p) => {
    const file = path.join(root, p, "dist/index.js");
    if (!fs.existsSync(file)) {
      process.stderr.write(`reference/generate.cjs: ${path.join(p, "dist")} is not built; run pnpm build first\n`);
      process.exit(2);
    }
    return require(file);
  };
  const { bruteForceBP } = load("packages/bp");
  const { parseGrammar, exactEvidence } = load("packages/ghm");
  const text = serialize(buildVectors({ bruteForceBP, parseGrammar, exactEvidence }));
  if (process.argv.includes("--check")) {
    const same = fs.existsSync(FILE) && fs.readFileSync(FILE, "utf8") === text;
    process.stdout.write(
      same ? `${FILE} is up to date\n` : `${FILE} differs from what reference/generate.cjs writes\n`,
    );
    process.exit(same ? 0 : 1);
  }
  const tmp = `${FILE}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, FILE);
  process.stdout.write(`wrote ${FILE} (${JSON.parse(text).cases.length} cases)\n`);
}
