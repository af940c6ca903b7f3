import { initBackend, tf } from "./backend";

// Each jest file has its own module registry and globals, so this file starts uninitialised.
describe("initBackend with GHM_BACKEND", () => {
  const saved = process.env.GHM_BACKEND;
  afterAll(() => {
    if (saved === undefined) delete process.env.GHM_BACKEND;
    else process.env.GHM_BACKEND = saved;
  });

  it("rejects an unknown GHM_BACKEND value, naming the variable", () => {
    process.env.GHM_BACKEND = "tpu";
    expect(() => initBackend()).toThrow(/GHM_BACKEND.*auto, node-gpu, node, wasm, cpu/);
  });

  it("respects GHM_BACKEND=cpu", async () => {
    process.env.GHM_BACKEND = "cpu";
    const info = await initBackend();
    expect(info).toMatchObject({ name: "cpu", tfBackend: "cpu", customKernels: [] });
    expect(info.reason).toMatch(/GHM_BACKEND/);
    expect(tf.getBackend()).toBe("cpu");
  });
});
