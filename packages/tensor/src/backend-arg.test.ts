import { initBackend, tf } from "./backend";

// Its own file: initBackend is once per process (per jest file).
describe("initBackend argument", () => {
  const saved = process.env.GHM_BACKEND;
  afterAll(() => {
    if (saved === undefined) delete process.env.GHM_BACKEND;
    else process.env.GHM_BACKEND = saved;
  });

  it("overrides GHM_BACKEND (even an invalid one)", async () => {
    process.env.GHM_BACKEND = "tpu";
    const info = await initBackend("cpu");
    expect(info).toMatchObject({ name: "cpu", tfBackend: "cpu" });
    expect(info.reason).toMatch(/argument/);
    expect(tf.getBackend()).toBe("cpu");
  });
});
