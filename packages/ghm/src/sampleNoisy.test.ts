import { noisyEvidence } from "./noisyEvidence";
import { randomRhm } from "./randomRhm";
import { Rng } from "./rng";
import { sample } from "./sample";
import { sampleNoisy } from "./sampleNoisy";

test("sampleNoisy is sample then noisyEvidence on their own seeds", () => {
  const g = randomRhm({ S: 6, classes: 3, k: 2, arity: 2, depth: 3, seed: 1 });
  const noise = { kind: "gaussian", alpha: 1, sigma: 0.7 } as const;
  const got = sampleNoisy(g, 5, noise, { data: 3, noise: 9 });
  const clean = sample(g, 5, new Rng(3));
  expect(got.clean).toEqual(clean);
  expect(got.evidence).toEqual(noisyEvidence(clean.x, 5, clean.d, 6, noise, new Rng(9)).evidence);
  expect(sampleNoisy(g, 5, noise, { data: 3, noise: 10 }).evidence.e).not.toEqual(got.evidence.e);
});
