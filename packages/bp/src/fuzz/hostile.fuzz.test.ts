/**
 * Malformed grammars and evidence given to every BP entry point: each is refused
 * with an Error naming the field (`grammar.<field>` / `evidence.<field>`), never
 * answered with NaN and never a crash of another kind.
 */
import fc from "fast-check";
import { type Evidence, type Grammar, Rng } from "@ghmkit/ghm";
import { maxEvidenceMagnitude } from "../check";
import { mapDecode } from "../map";
import { naiveBP } from "../naive";
import { runBP } from "../run";
import { posteriorSample } from "../sample";
import { fuzzModel } from "./models";
import { fuzzRuns, fuzzTimeout } from "@ghmkit/testkit";

type Mutation = (g: Grammar, ev: Evidence, rng: Rng) => { g: Grammar; ev: Evidence; field: RegExp };

const at = (a: ArrayLike<number>, rng: Rng): number => rng.int(a.length);
const withE = (ev: Evidence, i: number, v: number): Evidence => {
  const e = ev.e.slice();
  e[i] = v;
  return { ...ev, e };
};
const withLevel = (
  g: Grammar,
  rng: Rng,
  edit: (k: Grammar["levels"][number]) => Grammar["levels"][number] | null,
): { g: Grammar; ok: boolean } => {
  const l = rng.int(g.depth);
  const k = edit(g.levels[l]);
  if (k === null) return { g, ok: false };
  const levels = g.levels.slice();
  levels[l] = k;
  return { g: { ...g, levels }, ok: true };
};

const MUTATIONS: Mutation[] = [
  (g, ev, rng) => ({ g, ev: withE(ev, at(ev.e, rng), NaN), field: /evidence\.e\[\d+\]: is NaN/ }),
  (g, ev, rng) => ({ g, ev: withE(ev, at(ev.e, rng), Infinity), field: /evidence\.e\[\d+\]: is Infinity/ }),
  (g, ev, rng) => ({
    g,
    ev: withE(ev, at(ev.e, rng), 2 * maxEvidenceMagnitude(ev.d)),
    field: /evidence\.e\[\d+\]: is .*overflow/,
  }),
  (g, ev) => ({ g, ev: { ...ev, e: new Float64Array(ev.e.length + 1) }, field: /evidence\.e: has/ }),
  (g, ev) => ({ g, ev: { ...ev, e: Float32Array.from(ev.e) as unknown as Float64Array }, field: /evidence\.e: has/ }),
  (g, ev) => ({ g, ev: { ...ev, batch: ev.batch + 0.5 }, field: /evidence\.batch/ }),
  (g, ev) => ({ g, ev: { ...ev, batch: -1 }, field: /evidence\.batch/ }),
  (g, ev) => ({ g, ev: { ...ev, d: ev.d + 1 }, field: /evidence\.d/ }),
  (g, ev) => ({ g, ev: { ...ev, S: ev.S + 1 }, field: /evidence\.S/ }),
  (g, ev) => ({ g: { ...g, depth: 0 }, ev, field: /grammar\.depth/ }),
  (g, ev) => ({ g: { ...g, arity: 1 }, ev, field: /grammar\.arity/ }),
  (g, ev) => ({ g: { ...g, vocab: g.vocab.slice(1) }, ev, field: /grammar\.vocab/ }),
  (g, ev) => ({ g: { ...g, vocab: [0, ...g.vocab.slice(1)] }, ev, field: /grammar\.vocab\[0\]/ }),
  (g, ev) => ({ g: { ...g, levels: g.levels.slice(1) }, ev, field: /grammar\.levels/ }),
  (g, ev, rng) => {
    const root = g.root.slice();
    root[at(root, rng)] = [NaN, -0.25, Infinity][rng.int(3)];
    return { g: { ...g, root }, ev, field: /grammar\.root/ };
  },
  (g, ev) => ({ g: { ...g, root: g.root.map((p) => p * 0.5) }, ev, field: /grammar\.root: sums to/ }),
  (g, ev, rng) => {
    const r = withLevel(g, rng, (k) => {
      if (k.kind === "product") {
        const matrices = k.matrices.map((M) => M.slice());
        matrices[rng.int(matrices.length)][0] = NaN;
        return { kind: "product", matrices };
      }
      if (k.kind === "dense") return { kind: "dense", tensor: k.tensor.subarray(1) };
      const rules = k.rules.map((rs) => rs.map((x) => ({ children: x.children.slice(), p: x.p })));
      const rule = rules[rng.int(rules.length)][0];
      const bad = [
        () => (rule.children[0] = -1),
        () => (rule.children[0] = 0.5),
        () => (rule.p = NaN),
        () => rule.children.push(0),
      ];
      bad[rng.int(bad.length)]();
      return { kind: "rules", rules };
    });
    return { g: r.g, ev, field: /grammar\.levels\[\d+\]/ };
  },
  (g, ev, rng) => ({
    g: withLevel(g, rng, () => ({ kind: "sparse" }) as unknown as Grammar["levels"][number]).g,
    ev,
    field: /grammar\.levels\[\d+\]\.kind/,
  }),
];

const ENTRY_POINTS: [string, (g: Grammar, ev: Evidence) => unknown][] = [
  ["runBP", (g, ev) => runBP(g, ev)],
  ["posteriorSample", (g, ev) => posteriorSample(g, ev, new Rng(1))],
  ["mapDecode", (g, ev) => mapDecode(g, ev)],
  ["naiveBP", (g, ev) => naiveBP(g, ev)],
];

test(
  "every malformed grammar or evidence is refused with the field named, by every entry point",
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: MUTATIONS.length - 1 }),
        (s, k) => {
          const base = fuzzModel(s);
          const { g, ev, field } = MUTATIONS[k](base.g, base.ev, new Rng(s + 1));
          for (const [name, call] of ENTRY_POINTS) {
            let err: unknown = null;
            try {
              call(g, ev);
            } catch (e) {
              err = e;
            }
            if (!(err instanceof Error)) throw new Error(`${name} accepted mutation ${k} (expected ${field})`);
            expect(err.message).toMatch(field);
          }
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  },
  fuzzTimeout(),
);
