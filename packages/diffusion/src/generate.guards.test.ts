/** generate refuses outputs that cannot fit before sampling anything, with the size and the limit. */
import { MAX_SAMPLE_LEAVES, randomRhm } from "@ghmkit/ghm";
import { bpDenoiser } from "./bpDenoiser";
import { generate } from "./generate";

describe("generate size guards", () => {
  const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 1 });
  const denoiser = bpDenoiser(g);
  let calls = 0;
  const counting = {
    name: "counting",
    posterior: (i: Parameters<typeof denoiser.posterior>[0]) => {
      calls++;
      return denoiser.posterior(i);
    },
  };

  test("n * d above MAX_SAMPLE_LEAVES: refused before the first denoiser call (it allocated the output first)", async () => {
    const n = MAX_SAMPLE_LEAVES / 8 + 1;
    await expect(generate({ grammar: g, denoiser: counting, process: "vp", steps: 2, n, seed: 1 })).rejects.toThrow(
      new RegExp(`n \\* d = ${n} \\* 8 = ${n * 8} output symbols exceed ${MAX_SAMPLE_LEAVES}`),
    );
    expect(calls).toBe(0);
  });

  test("batchSize * d * S above the per-call limit: refused, naming batchSize", async () => {
    await expect(
      generate({
        grammar: g,
        denoiser: counting,
        process: "vp",
        steps: 2,
        n: 4_000_000,
        batchSize: 4_000_000,
        seed: 1,
      }),
    ).rejects.toThrow(/batchSize \* d \* S = .* \(lower batchSize\)/);
    expect(calls).toBe(0);
  });
});
