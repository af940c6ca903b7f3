import * as fs from "node:fs";
import * as path from "node:path";
import {
  Rng,
  exactEvidence,
  noisyEvidence,
  randomDenseGrammar,
  randomProductGrammar,
  randomRhm,
  sample,
} from "@ghmkit/ghm";
import { runBP } from "./run";

// runBP's outputs from before the blocked kernels (testing/legacy-results.json, written once by
// the old code): the rewrite changes summation order only, so every output agrees to 1e-12.
interface Case {
  name: string;
  grammar: [string, Record<string, unknown>];
  batch: number;
  ev: [string, number?];
  expected: Record<"logZ" | "root", Encoded> & Record<"marginals" | "up" | "down", Encoded[]>;
}
type Encoded = (number | "inf" | "-inf" | "nan")[];

const file = path.join(__dirname, "testing/legacy-results.json");
const cases: Case[] = JSON.parse(fs.readFileSync(file, "utf8")).cases;
const REL = 1e-12;

function decode(a: Encoded): number[] {
  return a.map((x) => (x === "inf" ? Infinity : x === "-inf" ? -Infinity : x === "nan" ? NaN : x));
}

/** Probabilities: relative to the entry; logs: relative to max(1, |entry|). -Infinity must match exactly. */
function expectClose(got: ArrayLike<number>, want: Encoded, logs: boolean): void {
  const w = decode(want);
  expect(got.length).toBe(w.length);
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) {
      expect(got[i]).toBe(w[i]);
      continue;
    }
    const scale = logs ? Math.max(1, Math.abs(w[i])) : Math.abs(w[i]);
    const err = Math.abs(got[i] - w[i]);
    if (err > REL * scale) worst = Math.max(worst, err / scale);
  }
  expect(worst).toBe(0);
}

describe("runBP matches the pre-rewrite kernels to 1e-12 relative", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const [kind, o] = c.grammar;
    const g =
      kind === "product"
        ? randomProductGrammar(o as never)
        : kind === "rhm"
          ? randomRhm(o as never)
          : randomDenseGrammar(o as never);
    const data = sample(g, c.batch, new Rng(100));
    const S = g.vocab[g.depth];
    const ev =
      c.ev[0] === "exact"
        ? exactEvidence(data.x, c.batch, data.d, S)
        : noisyEvidence(data.x, c.batch, data.d, S, { kind: "gaussian", alpha: 1, sigma: c.ev[1]! }, new Rng(101))
            .evidence;
    const r = runBP(g, ev, { messages: true });
    expectClose(r.logZ, c.expected.logZ, true);
    expectClose(r.root, c.expected.root, false);
    c.expected.marginals.forEach((m, l) => expectClose(r.marginals![l], m, false));
    c.expected.up.forEach((m, l) => expectClose(r.up[l], m, true));
    c.expected.down.forEach((m, l) => expectClose(r.down![l], m, true));
  });
});
