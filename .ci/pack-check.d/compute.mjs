// The computation both sides run, Node (node.mjs) and the browser bundle (page.mjs), on the
// packages as installed from their tarballs: a grammar, samples, noisy evidence, exact BP,
// BP-driven diffusion, a seeded U-Net's output. Same code, same seeds: same numbers.
export async function compute({ ghm, bp, diffusion, nets, tensor }, backend) {
  const info = await tensor.initBackend(backend);
  const g = ghm.randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 3, seed: 1 });
  const S = g.vocab[g.depth];
  const data = ghm.sample(g, 16, new ghm.Rng(2));
  const { evidence } = ghm.noisyEvidence(
    data.x,
    data.n,
    data.d,
    S,
    { kind: "gaussian", alpha: 1, sigma: 0.5 },
    new ghm.Rng(3),
  );
  const result = bp.runBP(g, evidence);
  const generated = await diffusion.generate({
    grammar: g,
    denoiser: diffusion.bpDenoiser(g),
    process: "vp",
    sampler: "ddpm",
    steps: 20,
    n: 4,
    seed: 1,
  });
  const cfg = nets.configFromGrammar(g, { width: 8, seed: 7 });
  const model = nets.buildModel("unet", "denoiser", cfg);
  const { tf } = tensor;
  const netOutSum = tf.tidy(() => model.predict(nets.evidenceToNetInput(evidence)).sum().dataSync()[0]);
  return {
    backend: info.name,
    fingerprint: ghm.grammarFingerprint(g),
    x: Array.from(data.x),
    logZ: Array.from(result.logZ),
    generated: Array.from(generated.x),
    validity: diffusion.sampleMetrics(g, generated.x, generated.n).validity,
    params: nets.countParams(model),
    netOutSum,
  };
}
