import { ghm } from "../testing/harness";

describe("ghm bench", () => {
  it("runs the diffusion suite and reports samples/s with sample metrics", async () => {
    const r = await ghm("--json", "bench", "diffusion", "--quick");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.diffusion.samplesPerSecond).toBeGreaterThan(0);
    expect(res.diffusion.metrics.validity).toBeGreaterThan(0.9);
  });

  it("rejects an unknown suite with exit 2", async () => {
    const r = await ghm("bench", "gpu");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown bench suite.*gpu/);
  });
});
