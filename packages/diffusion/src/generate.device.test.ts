import { bpDenoiser } from "./bpDenoiser";
import type { Denoiser, VpDevice } from "./denoiser";
import { argmaxLeaves } from "./evidence";
import { generate } from "./generate";
import type { LinearStep } from "./schedulers/scheduler";
import { tinyRules } from "./testing/grammars";

const g = tinyRules();
const d = 4;
const S = g.vocab[g.depth];

/** A "device" that is the host in float64: BP's posterior, the linear step as the host schedulers compute it. */
function hostDevice(): VpDevice<Float64Array> & { live: Set<Float64Array>; reads: number } {
  const bp = bpDenoiser(g);
  const live = new Set<Float64Array>();
  const keep = (x: Float64Array) => {
    live.add(x);
    return x;
  };
  const self = {
    live,
    reads: 0,
    upload: (values: Float64Array) => keep(Float64Array.from(values)),
    posterior: async (xt: Float64Array, batch: number, abar: number) =>
      keep(Float64Array.from(await bp.posterior({ process: "vp", batch, d, S, abar, xt }))),
    step: (x0: Float64Array, xt: Float64Array, s: LinearStep, noise: Float64Array | null) => {
      const out = new Float64Array(xt.length);
      for (let i = 0; i < out.length; i++) out[i] = s.cX0 * x0[i] + s.cXt * xt[i] + (noise ? s.cNoise * noise[i] : 0);
      return keep(out);
    },
    argmax: async (x: Float64Array) => {
      self.reads++;
      return argmaxLeaves(x, x.length / S, S);
    },
    dispose: (x: Float64Array) => {
      if (!live.delete(x)) throw new Error("disposed twice or never made");
    },
  };
  return self;
}

describe("generate with a VpDevice (the state kept on the denoiser's device)", () => {
  it("DDPM: the same draws and arithmetic as the host loop, so the same samples; one read per batch; nothing left alive", async () => {
    const device = hostDevice();
    const withDevice: Denoiser = { ...bpDenoiser(g), vpDevice: device };
    const common = { grammar: g, process: "vp" as const, steps: 12, n: 30, seed: 4, batchSize: 16 };
    const steps: number[] = [];
    const dev = await generate({ ...common, denoiser: withDevice, onStep: (p) => steps.push(p.done) });
    const host = await generate({ ...common, denoiser: withDevice, onDevice: false });
    expect(Array.from(dev.x)).toEqual(Array.from(host.x));
    expect(dev.config.onDevice).toBe(true);
    expect(host.config.onDevice).toBeUndefined();
    expect(steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(device.reads).toBe(2);
    expect(device.live.size).toBe(0);
  });

  it("DDIM (eta 0.5): the expanded linear step matches the host step to rounding", async () => {
    const withDevice: Denoiser = { ...bpDenoiser(g), vpDevice: hostDevice() };
    const common = {
      grammar: g,
      process: "vp" as const,
      sampler: "ddim" as const,
      eta: 0.5,
      steps: 10,
      n: 40,
      seed: 2,
    };
    const dev = await generate({ ...common, denoiser: withDevice });
    const host = await generate({ ...common, denoiser: withDevice, onDevice: false });
    let same = 0;
    for (let i = 0; i < dev.x.length; i++) if (dev.x[i] === host.x[i]) same++;
    expect(same / dev.x.length).toBeGreaterThan(0.97);
  });

  it("is used only where it applies: finalize joint, x0 joint and the discrete processes take the host loop", async () => {
    const device = hostDevice();
    const den: Denoiser = { ...bpDenoiser(g), vpDevice: device };
    const out = await generate({ grammar: g, denoiser: den, process: "mask", steps: 4, n: 5, seed: 1 });
    expect(out.config.onDevice).toBeUndefined();
    const fin = await generate({
      grammar: g,
      denoiser: den,
      process: "vp",
      steps: 4,
      n: 5,
      seed: 1,
      finalize: "argmax",
      x0: "marginal",
    });
    expect(fin.config.onDevice).toBe(true);
    expect(device.live.size).toBe(0);
  });
});
