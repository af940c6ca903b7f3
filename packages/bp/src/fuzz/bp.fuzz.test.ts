/**
 * Property-based fuzzing of BP on random tiny models (all kernel kinds mixed, zeros,
 * -Infinity evidence, magnitudes from 1e-300 to the overflow bound): exact against
 * the log-domain oracle and enumeration, never NaN, impossible rows flagged.
 * GHM_FUZZ_RUNS=100000 for the nightly size.
 */
import fc from "fast-check";
import { Rng, exactEvidence, sample } from "@ghmkit/ghm";
import { enumerateTrees } from "../brute";
import { logLikelihood, validityPerLevel } from "../likelihood";
import { mapDecode } from "../map";
import { naiveBP } from "../naive";
import { runBP } from "../run";
import { posteriorSample } from "../sample";
import { fuzzGrammar, fuzzModel, treeLogWeight } from "./models";
import { fuzzRuns, fuzzTimeout } from "@ghmkit/testkit";

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const hasNaN = (arrays: ArrayLike<number>[]): boolean => arrays.some((a) => Array.prototype.some.call(a, Number.isNaN));

/** Rounding scale of log-weights: sum over leaves of the largest |entry| (double rounding, generous). */
const weightTol = (scale: number, d: number): number => 1e-12 * Math.max(1, scale * d);

test(
  "runBP equals the naive log-domain BP; no NaN; impossible rows flagged; marginals are distributions",
  () => {
    fc.assert(
      fc.property(seed, (s) => {
        const { g, ev, scale } = fuzzModel(s);
        const fast = runBP(g, ev, { messages: true });
        const slow = naiveBP(g, ev);
        expect(hasNaN([fast.logZ, fast.root, ...fast.up, ...fast.down!, ...fast.marginals!])).toBe(false);
        const C = g.vocab[0];
        const margTol = 1e-10 + 1e-13 * scale * ev.d;
        for (let r = 0; r < ev.batch; r++) {
          expect(fast.impossible[r]).toBe(slow.logZ[r] === -Infinity ? 1 : 0);
          expect(fast.logZ[r]).not.toBe(Infinity);
          if (slow.logZ[r] === -Infinity) expect(fast.logZ[r]).toBe(-Infinity);
          else expect(Math.abs(fast.logZ[r] - slow.logZ[r])).toBeLessThanOrEqual(weightTol(scale, ev.d));
          let rootSum = 0;
          for (let a = 0; a < C; a++) rootSum += fast.root[r * C + a];
          expect(Math.abs(rootSum - (fast.impossible[r] ? 0 : 1))).toBeLessThan(1e-12);
          fast.marginals!.forEach((M, l) => {
            const n = g.arity ** l;
            const S = g.vocab[l];
            for (let i = 0; i < n; i++) {
              let sum = 0;
              for (let x = 0; x < S; x++) {
                const k = (r * n + i) * S + x;
                expect(M[k]).toBeGreaterThanOrEqual(0);
                sum += M[k];
                // Beyond ~1e9 the log-weights themselves carry rounding above 1e-3: only the invariants are meaningful.
                if (margTol < 1e-3) expect(Math.abs(M[k] - slow.marginals[l][k])).toBeLessThanOrEqual(margTol);
              }
              expect(Math.abs(sum - (fast.impossible[r] ? 0 : 1))).toBeLessThan(1e-12);
            }
          });
        }
      }),
      { numRuns: fuzzRuns(400) },
    );
  },
  fuzzTimeout(),
);

test(
  "posteriorSample draws trees of positive weight and mapDecode finds the heaviest tree",
  () => {
    fc.assert(
      fc.property(seed, (s) => {
        const { g, ev, scale } = fuzzModel(s);
        const bp = runBP(g, ev, { downward: false });
        const drawn = posteriorSample(g, ev, new Rng(s), bp);
        const map = mapDecode(g, ev);
        const tol = weightTol(scale, ev.d);
        expect(hasNaN([map.logp])).toBe(false);
        for (let r = 0; r < ev.batch; r++) {
          const nodes = (t: Int32Array[]): number[] =>
            t.flatMap((lv, l) => Array.from(lv.subarray(r * g.arity ** l, (r + 1) * g.arity ** l)));
          if (bp.impossible[r]) {
            expect(nodes(drawn).every((x) => x === -1)).toBe(true);
            expect(nodes(map.tree).every((x) => x === -1)).toBe(true);
            expect(map.logp[r]).toBe(-Infinity);
            continue;
          }
          const wDrawn = treeLogWeight(g, ev, drawn, r);
          const wMap = treeLogWeight(g, ev, map.tree, r);
          expect(wDrawn).toBeGreaterThan(-Infinity);
          expect(Math.abs(wMap - map.logp[r])).toBeLessThanOrEqual(tol);
          expect(map.logp[r]).toBeGreaterThanOrEqual(wDrawn - tol);
          const best = Math.max(...enumerateTrees(g, ev, r).map((t) => t.weight));
          expect(Math.abs(map.logp[r] - best)).toBeLessThanOrEqual(tol);
        }
      }),
      { numRuns: fuzzRuns(300) },
    );
  },
  fuzzTimeout(),
);

test(
  "logLikelihood: finite on sampled sequences, equals BP on exact evidence, -Infinity exactly when not a sentence",
  () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 4 }), (s, n) => {
        const rng = new Rng(s);
        const g = fuzzGrammar(rng);
        const d = g.arity ** g.depth;
        const S = g.vocab[g.depth];
        const sampled = sample(g, n, rng).x;
        const random = Int32Array.from({ length: n * d }, () => rng.int(S));
        for (const [x, fromGrammar] of [
          [sampled, true],
          [random, false],
        ] as const) {
          const ll = logLikelihood(g, x, n);
          const ref = naiveBP(g, exactEvidence(x, n, d, S)).logZ;
          for (let r = 0; r < n; r++) {
            expect(Number.isNaN(ll[r])).toBe(false);
            if (fromGrammar) expect(ll[r]).toBeGreaterThan(-Infinity);
            expect(ll[r] <= 1e-12).toBe(true);
            if (ref[r] === -Infinity) expect(ll[r]).toBe(-Infinity);
            else expect(Math.abs(ll[r] - ref[r])).toBeLessThanOrEqual(1e-12 * Math.max(1, -ref[r]));
            const valid = validityPerLevel(g, x.subarray(r * d, (r + 1) * d), 1)[0];
            expect(valid).toBe(ll[r] > -Infinity ? 1 : 0);
          }
        }
      }),
      { numRuns: fuzzRuns(400) },
    );
  },
  fuzzTimeout(),
);
